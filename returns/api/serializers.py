from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import VatAmountSerializer
from returns.models import (
    LineCondition,
    Refund,
    RefundMethod,
    ReturnEvent,
    ReturnLine,
    ReturnReason,
    ReturnRequest,
)


class ReturnLineSerializer(serializers.ModelSerializer):
    order_line_id = serializers.IntegerField(source="order_line.pk")
    sku = serializers.CharField(source="order_line.sku")
    product_name = serializers.CharField(source="order_line.product_name")
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True)
    vat_amount = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True)

    class Meta:
        model = ReturnLine
        fields = [
            "id",
            "order_line_id",
            "sku",
            "product_name",
            "quantity",
            "condition",
            "reject_reason",
            "refund_amount",
            "vat_rate",
            "vat_amount",
        ]


class RefundSerializer(serializers.ModelSerializer):
    vat = VatAmountSerializer(
        many=True,
        source="vat_breakdown",
        read_only=True,
        help_text=_("The VAT in the refunded goods, per rate of the order lines."),
    )

    class Meta:
        model = Refund
        fields = [
            "amount",
            "method",
            "points_taken_back",
            "points_deducted_value",
            "vat",
            "created_at",
        ]


class ReturnEventSerializer(serializers.ModelSerializer):
    note = serializers.CharField(
        source="note_text", read_only=True, help_text="The note in the language of the request."
    )
    note_code = serializers.CharField(
        read_only=True, help_text="What the note says, as a code (empty for a note somebody typed)."
    )

    class Meta:
        model = ReturnEvent
        fields = ["from_status", "to_status", "note", "note_code", "created_at"]


class ReturnSerializer(serializers.ModelSerializer):
    order_number = serializers.CharField(source="order.number")
    received_store = serializers.SlugRelatedField(slug_field="code", read_only=True)
    lines = ReturnLineSerializer(many=True)
    refund = serializers.SerializerMethodField()
    events = ReturnEventSerializer(many=True)

    class Meta:
        model = ReturnRequest
        fields = [
            "public_id",
            "code",
            "order_number",
            "status",
            "reason",
            "comment",
            "created_at",
            "received_at",
            "received_store",
            "override_reason",
            "lines",
            "refund",
            "events",
        ]

    @extend_schema_field(RefundSerializer(allow_null=True))
    def get_refund(self, obj):
        refund = getattr(obj, "refund", None)  # the reverse one-to-one raises when missing
        return RefundSerializer(refund).data if refund else None


class LineChoiceSerializer(serializers.Serializer):
    line_id = serializers.IntegerField(required=False, help_text=_("Order line id."))
    sku = serializers.CharField(required=False)
    quantity = serializers.IntegerField(min_value=1, max_value=999)

    def validate(self, attrs):
        if "line_id" not in attrs and not attrs.get("sku"):
            raise serializers.ValidationError(_("Give line_id or sku."))
        return attrs


class ReturnCreateSerializer(serializers.Serializer):
    order_number = serializers.CharField(max_length=32)
    lines = LineChoiceSerializer(many=True, allow_empty=False)
    reason = serializers.ChoiceField(choices=ReturnReason.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    idempotency_key = serializers.CharField(
        required=False, allow_blank=True, max_length=64, default=""
    )


class InspectionSerializer(serializers.Serializer):
    line_id = serializers.IntegerField(required=False, help_text=_("Return line id."))
    sku = serializers.CharField(required=False)
    condition = serializers.ChoiceField(choices=LineCondition.choices)
    reject_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=255, default=""
    )

    def validate(self, attrs):
        if "line_id" not in attrs and not attrs.get("sku"):
            raise serializers.ValidationError(_("Give line_id or sku."))
        return attrs


class StaffStoreSerializer(serializers.Serializer):
    store = serializers.CharField(
        required=False, help_text=_("Store code; needed when you work in several stores.")
    )


class ReceiveSerializer(StaffStoreSerializer):
    lines = InspectionSerializer(many=True, allow_empty=False)


class RefundRequestSerializer(StaffStoreSerializer):
    method = serializers.ChoiceField(choices=RefundMethod.choices)
