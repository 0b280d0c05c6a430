from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import LoyaltyAccount, PointsEntry, Tier
from ..services import MAX_PURCHASE, RECEIPT_MAX_LENGTH
from ..till.services import MAX_LINES


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


class ReceiptLineInSerializer(serializers.Serializer):
    sku = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text=_("The article's SKU, or:")
    )
    ean = serializers.CharField(
        required=False, allow_blank=True, max_length=14, help_text=_("the article's EAN.")
    )
    quantity = serializers.IntegerField(
        help_text=_("Units; negative for an item returned at the till (then “returned”: true).")
    )
    unit_price = serializers.DecimalField(
        max_digits=10, decimal_places=2, help_text=_("Price of one unit in €.")
    )
    discount = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        required=False,
        default=Decimal("0.00"),
        help_text=_("Discount on the whole line in €."),
    )
    returned = serializers.BooleanField(
        required=False, default=False, help_text=_("The item was brought back: it restocks.")
    )


class TillReceiptInSerializer(serializers.Serializer):
    receipt_number = serializers.CharField(
        max_length=RECEIPT_MAX_LENGTH,
        help_text=_("Unique per store; sending the same receipt again books nothing twice."),
    )
    total = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        help_text=_("What the customer paid in € (negative for a refund): the sum of the lines."),
    )
    lines = ReceiptLineInSerializer(many=True, allow_empty=False, max_length=MAX_LINES)
    card_number = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text=_("The loyalty card as scanned, if the customer showed one."),
    )
    store = serializers.CharField(
        required=False, help_text=_("Optional store code; it must be the token's own store.")
    )
    occurred_at = serializers.DateTimeField(
        required=False, help_text=_("When the purchase happened; defaults to now.")
    )
    coupon = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text=_(
            "A coupon code (needs the card). Without one, the card's automatic tier offer "
            "applies; `total` is then the lines less the offer's discount."
        ),
    )


class ReceiptLineOutSerializer(serializers.Serializer):
    sku = serializers.CharField(source="variant.sku")
    name = serializers.CharField(source="variant.product.name")
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=10, decimal_places=2)
    discount = serializers.DecimalField(max_digits=10, decimal_places=2)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class TillReceiptOutSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="receipt.public_id")
    receipt_number = serializers.CharField(source="receipt.number")
    store = serializers.CharField()
    total = serializers.DecimalField(source="receipt.total", max_digits=10, decimal_places=2)
    occurred_at = serializers.DateTimeField(source="receipt.occurred_at")
    lines = ReceiptLineOutSerializer(many=True)
    offer = serializers.CharField(
        allow_null=True, help_text=_("The coupon or offer applied to the receipt, if any.")
    )
    offer_discount = serializers.DecimalField(
        source="receipt.offer_discount",
        max_digits=10,
        decimal_places=2,
        help_text=_("What the offer took off the lines in €."),
    )
    card_number = serializers.CharField(allow_null=True)
    points = serializers.IntegerField(help_text=_("Points earned (negative: taken back)."))
    points_balance = serializers.IntegerField(allow_null=True)
    created = serializers.BooleanField(help_text=_("False when this receipt was booked before."))


class ReceiptProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField(allow_null=True, help_text=_("0-based; null: the receipt."))
    field = serializers.CharField()
    reason = serializers.CharField()


class ReceiptRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    errors = ReceiptProblemSerializer(many=True)


class TillOffersInSerializer(serializers.Serializer):
    card_number = serializers.CharField(max_length=32, help_text=_("The loyalty card as scanned."))
    amount = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.00"),
        required=False,
        help_text=_("The sale's lines so far in €: the answer then says the automatic discount."),
    )


class OfferSerializer(serializers.Serializer):
    name = serializers.CharField(source="promotion.name")
    code = serializers.CharField(source="promotion.code", help_text=_("Empty: automatic."))
    automatic = serializers.BooleanField()
    kind = serializers.CharField(source="promotion.kind")
    percent = serializers.IntegerField(source="promotion.percent", allow_null=True)
    amount = serializers.DecimalField(
        source="promotion.amount", max_digits=10, decimal_places=2, allow_null=True
    )
    min_order = serializers.DecimalField(
        source="promotion.min_order", max_digits=10, decimal_places=2
    )
    valid_until = serializers.DateTimeField(source="promotion.valid_until", allow_null=True)
    uses_left = serializers.IntegerField()


class AutomaticOfferSerializer(serializers.Serializer):
    name = serializers.CharField()
    discount = serializers.DecimalField(max_digits=10, decimal_places=2)


class TillOffersOutSerializer(serializers.Serializer):
    card_number = serializers.CharField()
    tier = serializers.CharField(allow_null=True)
    offers = OfferSerializer(many=True)
    automatic = AutomaticOfferSerializer(
        allow_null=True,
        help_text=_("With `amount`: the automatic offer the receipt gets without a coupon."),
    )
