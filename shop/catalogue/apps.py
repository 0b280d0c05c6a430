from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    """Categories, products, variants and their pictures.

    The label stays "shop" (the app's label before orders moved out of it), so existing
    databases, migrations, permissions and admin URLs keep working unchanged."""

    name = "shop.catalogue"
    label = "shop"
    verbose_name = _("Catalogue")

    def ready(self):
        from webhooks.events import register as webhook_events_register

        from . import signals  # noqa: F401  (connects the search index and webhook receivers)
        from .webhooks import EVENTS

        webhook_events_register(*EVENTS)
