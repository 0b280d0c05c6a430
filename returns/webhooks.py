"""The return events sent to webhook endpoints (registered in ReturnsConfig.ready()).

`return.received` when a store has inspected the goods (status received, or rejected when no
line was accepted) and `return.refunded` when the money went back; queued in the service's
transaction and ordered with the order's own events (subject key "order:<number>"). The
store is the one that received the goods.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from webhooks.events import EventKind
from webhooks.selectors import webhook_event_wanted
from webhooks.services import webhook_event_queue

from .models import ReturnRequest, ReturnStatus


class WebhookReturnLineSerializer(serializers.Serializer):
    sku = serializers.CharField(source="order_line.sku")
    quantity = serializers.IntegerField()
    condition = serializers.CharField(help_text="sellable, damaged or rejected; empty before.")
    refund_amount = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)


class WebhookRefundSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    method = serializers.CharField()
    created_at = serializers.DateTimeField()


class WebhookReturnSerializer(serializers.Serializer):
    code = serializers.CharField()
    order = serializers.CharField(source="order.number")
    status = serializers.ChoiceField(choices=ReturnStatus.choices)
    store = serializers.IntegerField(source="received_store_id", allow_null=True)
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField(allow_null=True)
    lines = WebhookReturnLineSerializer(many=True, source="lines.all")
    refund = WebhookRefundSerializer(allow_null=True, help_text="null until refunded.")

    class Meta:
        ref_name = "WebhookReturnData"


EVENTS = [
    EventKind("return.received", _("Return received in a store"), WebhookReturnSerializer),
    EventKind("return.refunded", _("Return refunded"), WebhookReturnSerializer),
]


def return_webhook(ret: ReturnRequest, event: str) -> None:
    if not webhook_event_wanted(event=event, store_id=ret.received_store_id):
        return  # no query when no endpoint wants it (the order may not be loaded)
    webhook_event_queue(
        event=event,
        subject_key=f"order:{ret.order.number}",
        payload=lambda: dict(WebhookReturnSerializer(ret).data),
        store_id=ret.received_store_id,
    )
