"""The base price (Grundpreis) next to a price: `{{ variant|base_price }}` for anything with a
`base_price` property (variant, order line), `{% card_base_price price quantity unit %}` for the
annotated values of a product card."""

from django import template

from shop.catalogue.base_prices import base_price as compute
from shop.catalogue.base_prices import format_base_price, net_quantity_text

register = template.Library()


@register.filter(name="base_price")
def base_price(obj) -> str:
    return format_base_price(getattr(obj, "base_price", None))


@register.simple_tag
def card_base_price(price, net_quantity, unit) -> str:
    return format_base_price(compute(price=price, net_quantity=net_quantity, unit=unit or ""))


@register.filter(name="net_quantity")
def net_quantity(value, unit) -> str:
    """ "230 g", "0,75 l": a variant's content."""
    return net_quantity_text(value, unit or "")
