"""Shapes of catalogue data that more than one API shows (products, order lines)."""

from rest_framework import serializers

from shop.catalogue.base_prices import format_base_price


class BasePriceSerializer(serializers.Serializer):
    """The base price (Grundpreis): `price` for `quantity` `unit` (1 kg, 100 ml, 1 m, 1 m²), and
    `text` as the reader's language writes it ("1 kg = 12,90 €")."""

    quantity = serializers.IntegerField()
    unit = serializers.CharField()
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    text = serializers.SerializerMethodField()

    def get_text(self, value) -> str:
        return format_base_price(value)
