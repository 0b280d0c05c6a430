"""The order events sent to webhook endpoints (registered in OrdersConfig.ready()).

One event per status an order reaches: placed, ready, collected, cancelled, expired. They are
queued in the transaction of the transition (`_move`, and `order_placement` for an order placed
at once), ordered per order number (subject key "order:<number>"). The body carries no personal
data: the customer is their account id, if any.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from webhooks.events import EventKind
from webhooks.models import WebhookDelivery
from webhooks.services import webhook_event_queue

from .models import Order, OrderStatus


class WebhookOrderLineSerializer(serializers.Serializer):
    sku = serializers.CharField()
    product_name = serializers.CharField()
    variant_label = serializers.CharField()
    quantity = serializers.IntegerField()
    quantity_short = serializers.IntegerField(help_text="Units found missing at picking.")
    unit_price = serializers.DecimalField(max_digits=10, decimal_places=2)


class WebhookOrderSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    store = serializers.IntegerField(source="store_id")
    customer = serializers.IntegerField(
        source="customer_id", allow_null=True, help_text="The account id; null for a guest."
    )
    total = serializers.DecimalField(max_digits=10, decimal_places=2)
    amount_due = serializers.DecimalField(max_digits=10, decimal_places=2)
    payment_method = serializers.CharField()
    created_at = serializers.DateTimeField()
    promised_ready_at = serializers.DateTimeField(allow_null=True)
    ready_at = serializers.DateTimeField(allow_null=True)
    hold_until = serializers.DateTimeField(allow_null=True)
    collected_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    expired_at = serializers.DateTimeField(allow_null=True)
    lines = WebhookOrderLineSerializer(many=True, source="lines.all")

    class Meta:
        ref_name = "WebhookOrderData"


EVENT_FOR_STATUS = {
    OrderStatus.PLACED: "order.placed",
    OrderStatus.READY: "order.ready",
    OrderStatus.COLLECTED: "order.collected",
    OrderStatus.CANCELLED: "order.cancelled",
    OrderStatus.EXPIRED: "order.expired",
}

EVENTS = [
    EventKind("order.placed", _("Order placed"), WebhookOrderSerializer),
    EventKind("order.ready", _("Order ready for pickup"), WebhookOrderSerializer),
    EventKind("order.collected", _("Order collected"), WebhookOrderSerializer),
    EventKind("order.cancelled", _("Order cancelled"), WebhookOrderSerializer),
    EventKind("order.expired", _("Order expired (not collected)"), WebhookOrderSerializer),
]


def order_webhook(order: Order, *, queue: bool = True) -> list[WebhookDelivery]:
    """Write the event of the status the order has just reached (none for the others) and,
    with `queue`, queue it on commit (see `webhook_event_queue`). Returns the deliveries."""
    event = EVENT_FOR_STATUS.get(order.status)
    if event is None:
        return []
    return webhook_event_queue(
        event=event,
        subject_key=f"order:{order.number}",
        payload=lambda: dict(WebhookOrderSerializer(order).data),
        store_id=order.store_id,
        queue=queue,
    )
