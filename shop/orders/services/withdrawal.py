"""The withdrawal button (§ 356a BGB): a shopper withdraws from a purchase, without logging in.

Step 1 (`withdrawal_find`) identifies the order by its number and the e-mail address it was
placed with; step 2 (`order_withdraw`) records the declaration with the moment it was received,
cancels an order that has not been collected yet through `order_cancel` (stock released, points
and store credit given back) and sends the confirmation e-mail with the date and time of receipt.

Only orders placed under the purchase model can be withdrawn from; a reservation binds nobody.
The period: until the goods are collected, and 14 days from the day of collection.
"""

import datetime as dt

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from legal.models import ContractModel
from shop.orders.errors import (
    OrderInvalid,
    OrderNotFound,
    WithdrawalRateLimited,
    WithdrawalRefused,
)
from shop.orders.models import Order, OrderStatus, OrderWithdrawal
from shop.orders.notifications import notify_order_withdrawn
from shop.orders.services.orders import order_cancel
from shop.orders.texts import ORDER_EVENT_TEXTS

WITHDRAWAL_DAYS = 14
# Step 1 needs no login: wrong number/address pairs are counted per client (IP address), so the
# form cannot be used to try out order numbers for a known address.
FIND_FAILURES = 10
FIND_WINDOW = dt.timedelta(minutes=15)
_NOT_FOUND = "No order with this number and e-mail address was found."


def withdrawal_deadline(order: Order) -> dt.date | None:
    """The last day of the withdrawal period of a collected order (None while not collected)."""
    if order.collected_at is None:
        return None
    return timezone.localdate(order.collected_at) + dt.timedelta(days=WITHDRAWAL_DAYS)


def _check(order: Order, now: dt.datetime) -> None:
    if order.contract_model != ContractModel.PURCHASE:
        raise WithdrawalRefused(
            _(
                "Order %(number)s is a non-binding reservation: you pay only if you collect it, "
                "so there is no contract to withdraw from. You can cancel it on your order page "
                "or simply not collect it."
            )
            % {"number": order.number}
        )
    if OrderWithdrawal.objects.filter(order=order).exists():
        raise WithdrawalRefused(
            _("You have already withdrawn from order %(number)s.") % {"number": order.number}
        )
    if order.status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED):
        raise WithdrawalRefused(
            _("Order %(number)s is no longer valid (cancelled or not collected).")
            % {"number": order.number}
        )
    deadline = withdrawal_deadline(order)
    if deadline is not None and timezone.localdate(now) > deadline:
        raise WithdrawalRefused(
            _("The withdrawal period of order %(number)s ended on %(date)s.")
            % {"number": order.number, "date": deadline.strftime("%d.%m.%Y")}
        )


def _failures_key(client: str) -> str:
    return f"withdrawal-find-failures:{client}"


def withdrawal_find(
    *, number: str, email: str, client: str = "", now: dt.datetime | None = None
) -> Order:
    """Step 1: the order with this number and e-mail address, if it can be withdrawn from.

    Raises OrderNotFound (the same answer whether the number or the address is wrong),
    WithdrawalRefused with the reason, or WithdrawalRateLimited after FIND_FAILURES wrong pairs
    from one `client` within FIND_WINDOW.
    """
    key = _failures_key(client) if client else ""
    if key and (cache.get(key) or 0) >= FIND_FAILURES:
        raise WithdrawalRateLimited(
            _("Too many attempts. Please try again in %(minutes)d minutes.")
            % {"minutes": FIND_WINDOW.seconds // 60},
            retry_at=(now or timezone.now()) + FIND_WINDOW,
        )
    number = (number or "").strip().upper()
    email = (email or "").strip()
    order = (
        Order.objects.select_related("store").filter(number=number, email__iexact=email).first()
        if number and email
        else None
    )
    if order is None:
        if key:
            cache.add(key, 0, timeout=int(FIND_WINDOW.total_seconds()))
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=int(FIND_WINDOW.total_seconds()))
        raise OrderNotFound(_(_NOT_FOUND))
    _check(order, now or timezone.now())
    return order


@transaction.atomic
def order_withdraw(*, order: Order, email: str, name: str) -> OrderWithdrawal:
    """Step 2: record the withdrawal, cancel the order if it is not collected yet, confirm it.

    The order row is locked first (as everywhere), so a withdrawal next to a handover or a second
    click of the button cannot both go through.
    """
    order = Order.objects.select_for_update().select_related("store", "customer").get(pk=order.pk)
    if order.email.lower() != (email or "").strip().lower():
        raise OrderNotFound(_(_NOT_FOUND))
    name = (name or "").strip()
    if not name or len(name) > 150:
        raise OrderInvalid(_("Please give your name (at most 150 characters)."))
    now = timezone.now()
    _check(order, now)
    withdrawal = OrderWithdrawal.objects.create(
        order=order,
        received_at=now,
        name=name,
        email=order.email,
        status_at_receipt=order.status,
        language=translation.get_language() or order.language,
    )
    if order.status in (OrderStatus.PLACED, OrderStatus.PICKING, OrderStatus.READY):
        order_cancel(
            order=order,
            actor=order.customer,
            reason=ORDER_EVENT_TEXTS.make("withdrawal_received", when=now),
            withdrawal=True,
        )
    notify_order_withdrawn(withdrawal)
    return withdrawal
