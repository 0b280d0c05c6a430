"""Template helpers for the cart, checkout and pickup order pages."""

from django import template

from shop.selectors.cart import cart_item_count

register = template.Library()


@register.simple_tag(takes_context=True)
def cart_count(context) -> int:
    """Units in the shopper's cart, for the header (one query; none without a cart)."""
    request = context.get("request")
    if request is None:
        return 0
    return cart_item_count(user=request.user, session=request.session)
