"""The two order transitions an online payment drives (`payment_pending` → `placed` / `cancelled`).

The payments app calls them when the provider confirms an authorisation (return from the pay
page, webhook, the check of abandoned payments) or when the shopper gave up. Both are safe to
call twice and in any order of events: an order that is no longer `payment_pending` is returned
unchanged, and the caller decides what that means for the money (`Order.status` tells it).
"""

from django.db import transaction

from core.texts import StoredText
from inventory.services import stock_release
from inventory.texts import STOCK_MOVEMENT_TEXTS
from shop.orders.models import Order, OrderStatus
from shop.orders.notifications import notify_order_placed
from shop.orders.payments import payment_method_for
from shop.orders.services.orders import _lock, _move, _settlement_give_back
from shop.orders.texts import ORDER_EVENT_TEXTS


@transaction.atomic
def order_payment_authorised(*, order: Order, note: StoredText | None = None) -> Order:
    """The provider holds the money for the order: it is placed (the store may pick it now)."""
    order = _lock(order)
    if order.status != OrderStatus.PAYMENT_PENDING:
        return order
    _move(order, OrderStatus.PLACED, actor=None, note=note or "")
    notify_order_placed(order)
    return order


@transaction.atomic
def order_payment_abandon(*, order: Order, note: StoredText | None = None) -> Order:
    """No authorisation came (the shopper left the pay page, or cancelled it): the order is
    cancelled, its stock is back on sale, points and store credit go back to the shopper."""
    order = _lock(order)
    if order.status != OrderStatus.PAYMENT_PENDING:
        return order
    _settlement_give_back(order)
    stock_release(
        reference=order.number,
        note=STOCK_MOVEMENT_TEXTS.make("order_cancelled", number=order.number),
    )
    payment_method_for(order).release(order)
    _move(
        order,
        OrderStatus.CANCELLED,
        actor=None,
        note=note or ORDER_EVENT_TEXTS.make("payment_not_completed"),
    )
    return order
