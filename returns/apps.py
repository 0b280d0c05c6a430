from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "returns"
    verbose_name = _("Returns")

    def ready(self):
        from notifications.kinds import register

        from .notifications import KINDS

        register(*KINDS)
        from webhooks.events import register as webhook_events_register

        from .webhooks import EVENTS

        webhook_events_register(*EVENTS)
