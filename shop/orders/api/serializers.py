"""Pickup orders in the API: what a client sends to place one, and what it gets back."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import VatAmountSerializer
from shop.catalogue.api import BasePriceSerializer
from shop.catalogue.models import Variant
from shop.orders.models import (
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    RescueChoice,
    ShortPickRescue,
)
from shop.orders.payments import payment_method_for, payment_method_get
from shop.orders.selectors.promise import stores_with_queue
from shop.orders.services.orders import MAX_LINE_QUANTITY, MAX_LINES
from stores.models import Store


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_LINE_QUANTITY})
class StrictIntegerField(serializers.IntegerField):
    """A JSON integer and nothing else: "2", 2.0, 1.5 and true are refused, not coerced."""

    default_error_messages = {"invalid": _("A whole number is required.")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class OrderLineInputSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=40)
    quantity = StrictIntegerField(min_value=1, max_value=MAX_LINE_QUANTITY)


class OrderCreateSerializer(serializers.Serializer):
    store = serializers.SlugField(max_length=20, help_text=_("The pickup store's code."))
    lines = OrderLineInputSerializer(many=True, allow_empty=False, max_length=MAX_LINES)
    phone = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        help_text=_("A number to call about the order; defaults to the account's phone."),
    )
    points = serializers.IntegerField(
        min_value=0,
        max_value=1_000_000_000,
        required=False,
        default=0,
        help_text=_("Loyalty points to use (100 points = 1 €, at most half of the order)."),
    )
    use_store_credit = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Put the account's store credit towards the order."),
    )
    payment_method = serializers.CharField(
        max_length=16,
        required=False,
        default="counter",
        help_text=_(
            "How the order is paid: 'counter' (the default: at the counter on pickup) or "
            "'stripe' (online: authorised now, captured at pickup for what is handed over)."
        ),
    )
    payment_method_id = serializers.CharField(
        max_length=120,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "With 'stripe': the id of the PaymentMethod the app created with Stripe's SDK "
            "(pm_…). The order's PaymentIntent is created and confirmed with it at once; a "
            "declined card places nothing (402)."
        ),
    )

    def validate_payment_method(self, code: str) -> str:
        if payment_method_get(code) is None:
            raise serializers.ValidationError(_("Unknown payment method: %s.") % code)
        return code

    coupon = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        default="",
        help_text=_(
            "A coupon code. Without one, the account's automatic tier offer applies, if any."
        ),
    )

    def validate_store(self, code: str) -> Store:
        store = stores_with_queue(Store.objects.active()).filter(code=code).first()
        if store is None:
            raise serializers.ValidationError(_("There is no store with the code %s.") % code)
        if not store.pickup_enabled:
            raise serializers.ValidationError(_("%s does not offer pickup.") % store.name)
        return store

    def validate_lines(self, lines: list[dict]) -> list[tuple[Variant, int]]:
        seen: set[str] = set()
        for line in lines:
            if line["sku"] in seen:
                raise serializers.ValidationError(
                    _("SKU %s appears twice; give each SKU once with its total quantity.")
                    % line["sku"]
                )
            seen.add(line["sku"])
        variants = {
            v.sku: v
            for v in Variant.objects.select_related("product").filter(
                sku__in=seen, is_active=True, product__is_active=True
            )
        }
        unknown = sorted(seen - variants.keys())
        if unknown:
            raise serializers.ValidationError(
                _("Unknown or unavailable SKU: %s.") % ", ".join(unknown)
            )
        return [(variants[line["sku"]], line["quantity"]) for line in lines]


class PickupStoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Store
        fields = ["code", "name", "street", "postcode", "city"]


class OrderLineSerializer(serializers.ModelSerializer):
    quantity_to_collect = serializers.IntegerField(read_only=True)
    line_total = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True)
    vat_amount = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True)
    base_price = BasePriceSerializer(read_only=True, allow_null=True)

    class Meta:
        model = OrderLine
        fields = [
            "id",
            "sku",
            "product_name",
            "variant_label",
            "unit_price",
            "quantity",
            "quantity_short",
            "quantity_to_collect",
            "line_total",
            "vat_rate",
            "vat_amount",
            "net_quantity",
            "quantity_unit",
            "base_price",
        ]


class OrderEventSerializer(serializers.ModelSerializer):
    note = serializers.CharField(
        source="note_text", read_only=True, help_text="The note in the language of the request."
    )
    note_code = serializers.CharField(
        read_only=True, help_text="What the note says, as a code (empty for a note somebody typed)."
    )

    class Meta:
        model = OrderEvent
        fields = ["from_status", "to_status", "note", "note_code", "created_at"]


class RescueSerializer(serializers.ModelSerializer):
    """Units marked short and what the customer chose (`open` while the order waits)."""

    sku = serializers.CharField(source="line.sku")
    rescue_order = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = ShortPickRescue
        fields = ["id", "sku", "units", "choice", "deadline", "chosen_at", "rescue_order"]


class LegalVersionSerializer(serializers.Serializer):
    """A legal text version the shopper saw at checkout: which page, valid from when, where."""

    page = serializers.CharField()
    valid_from = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, text) -> str:
        return text.get_absolute_url()


class OrderSerializer(serializers.ModelSerializer):
    """An order as its shopper sees it; the pickup code appears once the order is ready.

    `contract_model` says whether the order is a non-binding reservation or a purchase (with the
    14-day right of withdrawal); `terms_version` and `privacy_version` are the AGB and privacy
    texts in force when it was placed."""

    store = PickupStoreSerializer()
    terms_version = LegalVersionSerializer(read_only=True, allow_null=True)
    privacy_version = LegalVersionSerializer(read_only=True, allow_null=True)
    lines = OrderLineSerializer(many=True)
    events = OrderEventSerializer(many=True)
    rescues = RescueSerializer(many=True)
    pickup_code = serializers.SerializerMethodField()
    vat = VatAmountSerializer(
        many=True,
        source="vat_breakdown",
        read_only=True,
        help_text=_("The VAT included in the amount paid for the goods, per rate."),
    )

    class Meta:
        model = Order
        fields = [
            "number",
            "public_id",
            "status",
            "store",
            "lines",
            "total",
            "points_redeemed",
            "loyalty_discount",
            "offer_name",
            "offer_discount",
            "store_credit_used",
            "amount_due",
            "vat",
            "phone",
            "pickup_code",
            "created_at",
            "promised_ready_at",
            "ready_at",
            "promise_kept",
            "hold_until",
            "collected_at",
            "cancelled_at",
            "expired_at",
            "events",
            "rescues",
            "collector_name",
            "collected_by",
            "contract_model",
            "terms_version",
            "privacy_version",
        ]

    def get_pickup_code(self, order) -> str | None:
        return order.pickup_code if order.status == OrderStatus.READY else None


class StaffOrderSerializer(OrderSerializer):
    """An order as staff see it: with the customer, and never with the pickup code."""

    customer_email = serializers.EmailField(source="email")

    class Meta(OrderSerializer.Meta):
        fields = [f for f in OrderSerializer.Meta.fields if f != "pickup_code"] + ["customer_email"]


class ShortLineSerializer(serializers.Serializer):
    units = StrictIntegerField(min_value=1, max_value=MAX_LINE_QUANTITY)
    already_short = StrictIntegerField(
        min_value=0,
        max_value=MAX_LINE_QUANTITY,
        required=False,
        help_text=(
            "The line's quantity_short the caller saw. When the line is already short by exactly "
            "already_short + units, the request was done before and changes nothing (safe to "
            "retry); any other difference is a 409."
        ),
    )


class CollectSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)


class RescueChooseSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(
        choices=[RescueChoice.OTHER_STORE, RescueChoice.DROP, RescueChoice.CANCEL]
    )
    rescue = StrictIntegerField(
        required=False, help_text="Which short pick; default the oldest still open."
    )
    store = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Store.objects.filter(is_active=True, pickup_enabled=True),
        required=False,
        help_text="For other_store: the store code; default the nearest that has the units.",
    )


class CollectorSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True)


class ElsewhereSerializer(serializers.Serializer):
    store = serializers.CharField()
    name = serializers.CharField()
    available = serializers.IntegerField()


class ShortageLineSerializer(serializers.Serializer):
    sku = serializers.CharField()
    requested = serializers.IntegerField()
    available = serializers.IntegerField()
    elsewhere = ElsewhereSerializer(many=True)


class ShortageSerializer(serializers.Serializer):
    detail = serializers.CharField()
    short_lines = ShortageLineSerializer(many=True)


class PaymentClientSerializer(serializers.Serializer):
    """An online payment as the app needs it to finish: while `requires_action` is true the
    app hands `client_secret` to Stripe's SDK (`handleNextAction`, 3-D Secure or a redirect)
    with `publishable_key`; the order becomes `placed` once the authorisation is confirmed."""

    provider = serializers.CharField()
    status = serializers.ChoiceField(
        choices=["pending", "authorised", "captured", "voided"],
        help_text=_("pending: waiting for the shopper; authorised: the order is placed."),
    )
    requires_action = serializers.BooleanField()
    client_secret = serializers.CharField(allow_null=True)
    publishable_key = serializers.CharField(allow_null=True)
    amount_cents = serializers.IntegerField()
    currency = serializers.CharField()


class OrderPlacedSerializer(OrderSerializer):
    """The answer to placing an order: the order and, paid online, what the app needs to
    finish the payment (null for an order paid at the counter)."""

    payment_method = serializers.CharField(read_only=True)
    payment = serializers.SerializerMethodField()

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "payment_method", "payment"]

    @extend_schema_field(PaymentClientSerializer(allow_null=True))
    def get_payment(self, order) -> dict | None:
        return payment_method_for(order).client_data(order)
