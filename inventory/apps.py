from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = _("Inventory")

    def ready(self):
        from notifications.kinds import register

        from .notifications import ALERT_KINDS, COUNT_KINDS, KINDS

        register(*KINDS, *COUNT_KINDS, *ALERT_KINDS)
        from webhooks.events import register as webhook_events_register

        from .webhooks import EVENTS

        webhook_events_register(*EVENTS)
