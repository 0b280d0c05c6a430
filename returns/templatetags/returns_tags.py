from django import template

from returns import selectors
from returns.services import return_window_ends

register = template.Library()


@register.simple_tag
def order_returns(order):
    """For the shopper's order page: the order's returns and whether another can be started."""
    return {
        "returns": list(selectors.returns_for_order(order)),
        "can_start": selectors.can_start_return(order),
        "window_ends": return_window_ends(order=order),
    }
