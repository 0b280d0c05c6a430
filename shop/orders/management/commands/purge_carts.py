import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from shop.orders.errors import CartError
from shop.orders.services.cart import cart_purge_abandoned


class Command(BaseCommand):
    help = "Delete anonymous carts that nobody has touched for a while (accounts' carts stay)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="Age in days (default 30).")

    def handle(self, *args, days: int, **options):
        try:
            purged = cart_purge_abandoned(older_than=dt.timedelta(days=days))
        except CartError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Deleted {purged} abandoned cart(s).")
