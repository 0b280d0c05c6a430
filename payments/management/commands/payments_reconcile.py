"""`manage.py payments_reconcile`: compare our payments with Stripe's and print the differences."""

from django.core.management.base import BaseCommand

from payments.services import payments_reconcile


class Command(BaseCommand):
    help = "Compare the online payments of the last days with the provider and list differences."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=10)

    def handle(self, *args, days: int, **options):
        differences = payments_reconcile(since_days=days)
        for diff in differences:
            self.stdout.write(
                f"{diff.order}\t{diff.intent}\tours: {diff.ours}\tprovider: {diff.theirs}"
            )
        self.stdout.write(f"{len(differences)} difference(s).")
