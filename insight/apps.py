from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    """KPIs of the whole business, read from the other apps' ledgers; the managers' dashboard."""

    name = "insight"
    verbose_name = _("Insight")

    def ready(self):
        from notifications.kinds import register

        from . import receivers  # noqa: F401  (cart additions, the survey after a collection)
        from .notifications import KINDS

        register(*KINDS)
