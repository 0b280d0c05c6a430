"""What shoppers were told is not at their store: the product cards and the product page show
"not available at my store" (`StoreBadge.state == "out-of-stock"`); the view reports those
products here once per page.

The KPIs live in an app above this one: it registers a listener with `stockout_listener_register`
in its `ready()` (without one nothing is recorded). A listener costs the page at most one
statement and never fails it.
"""

import logging
from collections.abc import Callable, Iterable

from shop.catalogue.models import Product
from stores.models import Store

from .selectors import StoreBadge

logger = logging.getLogger(__name__)

StockoutListener = Callable[[int, list[int]], None]  # (store id, product ids)
_listeners: list[StockoutListener] = []


def stockout_listener_register(listener: StockoutListener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def stockouts_shown(*, store: Store | None, product_ids: Iterable[int]) -> None:
    """Tell the listeners which products a page showed as not available at `store`."""
    ids = sorted(set(product_ids))
    if store is None or not ids:
        return
    for listener in _listeners:
        try:
            listener(store.pk, ids)
        except Exception:  # a counter must never cost the shopper the page
            logger.exception("Stock-out listener %r failed", listener)


def out_of_stock(products: Iterable[Product]) -> list[int]:
    """The products of a page whose my-store badge says not available here."""
    found = []
    for product in products:
        badge: StoreBadge | None = getattr(product, "badge", None)
        if badge is not None and badge.state == "out-of-stock":
            found.append(product.pk)
    return found
