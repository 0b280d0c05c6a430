"""The stock event sent to webhook endpoints (registered in InventoryConfig.ready()).

`stock.shortfall`: a pickup order lost reserved units to the shelf; queued with the shortfall,
ordered with the order's own events (subject key "order:<reference>").
"""

from functools import partial

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from webhooks.events import EventKind
from webhooks.services import webhook_event_queue

from .models import StockShortfall


class WebhookShortfallSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField(help_text="The pickup order's number.")
    store = serializers.IntegerField(source="store_id")
    sku = serializers.CharField(source="variant.sku")
    units_missing = serializers.IntegerField()
    cause = serializers.CharField()

    class Meta:
        ref_name = "WebhookShortfallData"


EVENTS = [
    EventKind("stock.shortfall", _("Stock shortfall on a pickup order"), WebhookShortfallSerializer)
]


def _data(shortfall: StockShortfall) -> dict:
    return dict(WebhookShortfallSerializer(shortfall).data)


def shortfalls_webhook(shortfalls: list[StockShortfall]) -> None:
    for shortfall in shortfalls:
        webhook_event_queue(
            event="stock.shortfall",
            subject_key=f"order:{shortfall.reference}"[:100],
            payload=partial(_data, shortfall),
            store_id=shortfall.store_id,
        )
