"""Template helpers for the cart, checkout and pickup order pages."""

from decimal import Decimal

from django import template
from django.utils import formats

from shop.selectors.cart import cart_item_count

register = template.Library()


@register.filter
def eur(value) -> str:
    """A price in euros, localised: "1.234,50 €" in German, "1,234.50 €" in English."""
    if value in (None, ""):
        return ""
    amount = formats.number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)
    return f"{amount}\u00a0€"


@register.simple_tag(takes_context=True)
def cart_count(context) -> int:
    """Units in the shopper's cart, for the header (one query; none without a cart)."""
    request = context.get("request")
    if request is None:
        return 0
    return cart_item_count(user=request.user, session=request.session)
