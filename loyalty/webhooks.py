"""The wallet's event sent to webhook endpoints (registered in LoyaltyConfig.ready()).

`loyalty.entry`: a new row in the points ledger or the store-credit ledger, queued in the
transaction that writes it, ordered per customer (subject key "customer:<account id>"). The
customer is their account id; the body carries no name, address or card number.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from webhooks.events import EventKind
from webhooks.selectors import webhook_event_wanted
from webhooks.services import webhook_event_queue

from .models import PointsEntry, StoreCreditEntry


class WebhookLoyaltyEntrySerializer(serializers.Serializer):
    id = serializers.UUIDField(allow_null=True, help_text="The points entry's id; null for credit.")
    ledger = serializers.ChoiceField(choices=["points", "store_credit"])
    customer = serializers.IntegerField(help_text="The account id.")
    kind = serializers.CharField(help_text="Points: earn, redeem, ...; store credit: empty.")
    points = serializers.IntegerField(allow_null=True)
    amount = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        allow_null=True,
        help_text="Points: the purchase amount, if any; store credit: + added, − spent.",
    )
    source = serializers.CharField(help_text="What caused it, e.g. order:<number>.")
    store = serializers.IntegerField(allow_null=True)
    occurred_at = serializers.DateTimeField()

    class Meta:
        ref_name = "WebhookLoyaltyEntryData"


EVENTS = [
    EventKind(
        "loyalty.entry", _("Loyalty entry (points or store credit)"), WebhookLoyaltyEntrySerializer
    )
]


def points_entry_webhook(entry: PointsEntry) -> None:
    if not webhook_event_wanted(event="loyalty.entry", store_id=entry.store_id):
        return  # no query when no endpoint wants it (the account may not be loaded)
    customer = entry.account.user_id
    data = {
        "id": entry.public_id,
        "ledger": "points",
        "customer": customer,
        "kind": entry.kind,
        "points": entry.points,
        "amount": entry.amount,
        "source": entry.source,
        "store": entry.store_id,
        "occurred_at": entry.occurred_at,
    }
    webhook_event_queue(
        event="loyalty.entry",
        subject_key=f"customer:{customer}",
        payload=lambda: dict(WebhookLoyaltyEntrySerializer(data).data),
        store_id=entry.store_id,
    )


def store_credit_entry_webhook(entry: StoreCreditEntry) -> None:
    data = {
        "id": None,
        "ledger": "store_credit",
        "customer": entry.user_id,
        "kind": "",
        "points": None,
        "amount": entry.amount,
        "source": entry.source,
        "store": None,
        "occurred_at": entry.created_at,
    }
    webhook_event_queue(
        event="loyalty.entry",
        subject_key=f"customer:{entry.user_id}",
        payload=lambda: dict(WebhookLoyaltyEntrySerializer(data).data),
    )
