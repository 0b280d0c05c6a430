from rest_framework import serializers

from ..feeds import MAX_BATCH


class FeedItemSerializer(serializers.Serializer):
    """The shape of one item; what it means (SKU, kind, range) is checked by the feed service."""

    external_id = serializers.CharField(max_length=100)
    sku = serializers.CharField(max_length=40)
    kind = serializers.CharField(max_length=24)
    quantity = serializers.IntegerField()
    occurred_at = serializers.DateTimeField(
        required=False,
        help_text="When it happened (default: now); at most one year before or after now.",
    )
    store = serializers.CharField(required=False, help_text="Optional; must be the token's store.")


class FeedBatchSerializer(serializers.Serializer):
    store = serializers.CharField(required=False, help_text="Optional; must be the token's store.")
    movements = serializers.ListField(
        child=serializers.JSONField(),
        min_length=1,
        max_length=MAX_BATCH,
        help_text="Items of the shape `FeedItem`: external_id, sku, kind (sale, receipt, "
        "write_off, return_restock), quantity (1 to 100000), optional occurred_at (within a "
        "year of now, before or after) and store. One bad item rejects the batch.",
    )


class FeedItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    external_id = serializers.CharField()
    status = serializers.ChoiceField(choices=["applied", "duplicate"])


class ShortfallSerializer(serializers.Serializer):
    reference = serializers.CharField()
    sku = serializers.CharField()
    units_missing = serializers.IntegerField()


class FeedResultSerializer(serializers.Serializer):
    store = serializers.CharField()
    applied = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    items = FeedItemResultSerializer(many=True)
    shortfalls = ShortfallSerializer(many=True)
