from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import LoyaltyAccount, PointsEntry, Tier
from ..services import MAX_PURCHASE, RECEIPT_MAX_LENGTH


class TierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tier
        fields = ["name", "min_spend_12m", "multiplier"]


class CardSerializer(serializers.ModelSerializer):
    """The shopper's own card; figures come from the view's context, not from extra queries."""

    tier = TierSerializer(allow_null=True)
    points_balance = serializers.IntegerField()
    points_value = serializers.DecimalField(max_digits=12, decimal_places=2)
    spend_12m = serializers.DecimalField(max_digits=12, decimal_places=2)
    next_tier = TierSerializer(allow_null=True)
    wallet_pass_url = serializers.URLField(allow_null=True)

    class Meta:
        model = LoyaltyAccount
        fields = [
            "card_number",
            "tier",
            "points_balance",
            "points_value",
            "spend_12m",
            "next_tier",
            "wallet_pass_url",
        ]


class StoreRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class EntrySerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    store = StoreRefSerializer(allow_null=True)
    description = serializers.CharField(
        source="description_text",
        read_only=True,
        help_text="The line's text in the language of the request.",
    )
    description_code = serializers.CharField(
        read_only=True, help_text="What the line says, as a code (empty for a text somebody typed)."
    )

    class Meta:
        model = PointsEntry
        fields = [
            "id",
            "occurred_at",
            "kind",
            "channel",
            "points",
            "amount",
            "store",
            "description",
            "description_code",
        ]


class TillTransactionInSerializer(serializers.Serializer):
    card_number = serializers.CharField(
        max_length=32, help_text=_("The 13 digits of the loyalty card, as scanned.")
    )
    amount = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_PURCHASE,
        help_text=_("What the customer paid in €, e.g. 24.99."),
    )
    receipt_number = serializers.CharField(
        max_length=RECEIPT_MAX_LENGTH,
        help_text=_("Unique per store; sending the same receipt again books nothing twice."),
    )
    store = serializers.CharField(
        required=False,
        help_text=_("Optional store code; it must be the token's own store."),
    )
    occurred_at = serializers.DateTimeField(
        required=False, help_text=_("When the purchase happened; defaults to now.")
    )


class TillTransactionOutSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="entry.public_id")
    card_number = serializers.CharField(source="entry.account.card_number")
    receipt_number = serializers.CharField()
    store = serializers.CharField(source="entry.store.code")
    amount = serializers.DecimalField(source="entry.amount", max_digits=10, decimal_places=2)
    points = serializers.IntegerField(source="entry.points")
    points_balance = serializers.IntegerField()
    tier = serializers.CharField(allow_null=True)
    occurred_at = serializers.DateTimeField(source="entry.occurred_at")
    created = serializers.BooleanField(help_text=_("False when this receipt was booked before."))
