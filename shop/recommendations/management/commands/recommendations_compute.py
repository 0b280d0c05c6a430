from django.core.management.base import BaseCommand

from shop.recommendations.services import recommendations_compute


class Command(BaseCommand):
    help = (
        "Count the co-purchases of online orders and till receipts now and replace the "
        "recommendations (the nightly job does the same)."
    )

    def handle(self, *args, **options):
        report = recommendations_compute()
        self.stdout.write(
            f"{report.baskets} baskets, {report.pairs} product pairs, "
            f"{report.customers} customers with picks."
        )
