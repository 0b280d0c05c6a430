from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from notifications import kinds

        from . import signals  # noqa: F401  (forget the cached subscriptions on changes)
        from .notifications import KINDS

        kinds.register(*KINDS)
