from django.core.management.base import BaseCommand

from shop.catalogue.services import product_search_index_refresh


class Command(BaseCommand):
    help = "Rebuild the product search documents (after bulk imports that bypass the signals)."

    def handle(self, *args, **options):
        count = product_search_index_refresh()
        self.stdout.write(f"{count} products indexed.")
