from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    """KPIs of the whole business, read from the other apps' ledgers; the managers' dashboard."""

    name = "insight"
    verbose_name = _("Insight")

    def ready(self):
        from loyalty.till.selectors import history_lines_register
        from notifications.kinds import register

        from . import receivers  # noqa: F401  (cart additions, the survey after a collection)
        from .notifications import KINDS

        register(*KINDS)
        from .history import order_lines_for_entries

        history_lines_register(order_lines_for_entries)
        from shop.storefront.stockouts import stockout_listener_register

        from .stockouts import stockouts_record

        stockout_listener_register(stockouts_record)
