"""The order transitions an online payment drives (`payment_pending` → `placed` / `cancelled`),
and the switch of an open order to paying at the counter when its authorisation is gone.

The payments app calls them when the provider confirms an authorisation (return from the pay
page, webhook, the check of abandoned payments) or when the shopper gave up. Both are safe to
call twice and in any order of events: an order that is no longer `payment_pending` is returned
unchanged, and the caller decides what that means for the money (`Order.status` tells it).
"""

from django.db import transaction

from core.events import status_event_record
from core.texts import StoredText
from inventory.services import stock_release
from inventory.texts import STOCK_MOVEMENT_TEXTS
from shop.orders.models import Order, OrderEvent, OrderStatus
from shop.orders.notifications import notify_order_changed, notify_order_placed
from shop.orders.payments import COUNTER, payment_method_for
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


OPEN_FOR_COUNTER = (OrderStatus.PLACED, OrderStatus.PICKING, OrderStatus.READY)


@transaction.atomic
def order_payment_switch_to_counter(*, order: Order) -> Order:
    """The online authorisation of an open order is gone (cancelled or lapsed at the provider):
    the order stays as it is, but is now paid at the counter for the full amount due. An order
    event says so and the shopper is told (the "order changed" message). Safe to call twice:
    an order already paid at the counter, or no longer open, is returned unchanged."""
    order = _lock(order)
    if order.status not in OPEN_FOR_COUNTER or order.payment_method == COUNTER.code:
        return order
    order.payment_method = COUNTER.code
    order.amount_due = COUNTER.amount_due(order)
    order.save(update_fields=["payment_method", "amount_due"])
    status_event_record(
        OrderEvent,
        order=order,
        actor=None,
        from_status=order.status,
        to_status=order.status,
        note=ORDER_EVENT_TEXTS.make("payment_switched_to_counter", amount=str(order.amount_due)),
    )
    notify_order_changed(order)
    return order
