from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    """Cart, checkout, pickup orders and the associates' desk."""

    name = "shop.orders"
    label = "orders"
    verbose_name = _("Pickup orders")

    def ready(self):
        from inventory.notifications import shortfall_handlers_register
        from notifications.kinds import register
        from stores.promise import queue_counter_register

        from . import receivers  # noqa: F401  (connects the login hook)
        from .notifications import KINDS, notify_order_shortfalls

        register(*KINDS)
        from webhooks.events import register as webhook_events_register

        from .webhooks import EVENTS

        webhook_events_register(*EVENTS)
        shortfall_handlers_register(notify_order_shortfalls)
        from .selectors.promise import store_queues

        queue_counter_register(store_queues)
        from shop.recommendations.baskets import purchase_source_register

        from .purchases import order_purchases

        purchase_source_register(order_purchases)
