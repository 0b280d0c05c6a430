"""What the orders app does when a customer's account is erased (DSGVO Art. 17).

Open orders are cancelled through `order_cancel` (stock released, points and store credit given
back, open rescues closed); the orders themselves stay (they are business records with a
retention period) but lose the person: contact details, the named collector, the withdrawal's
name and address, and any note that names them.
"""

from collections.abc import Sequence

from django.db import transaction

from accounts.models import User
from core.privacy import REDACTED, redact_rows

from ..models import Order, OrderEvent, OrderWithdrawal
from .orders import order_cancel

ERASURE_NOTE = "account erased"


def orders_cancel_for_erasure(*, user: User) -> list[str]:
    """Cancel every open order of `user` (placed, picking or ready) on their own request; returns
    the numbers. No cancellation message is sent: the erasure's confirmation lists them."""
    numbers = []
    with transaction.atomic():
        for order in Order.objects.filter(customer=user).open().order_by("pk"):
            # `withdrawal=True`: a ready order is cancelled too (the customer will not come for
            # it) and the caller's own confirmation replaces the cancellation message.
            order_cancel(order=order, actor=user, reason=ERASURE_NOTE, withdrawal=True)
            numbers.append(order.number)
    return numbers


@transaction.atomic
def orders_forget(*, user: User, needles: Sequence[str], email: str) -> int:
    """Remove the person from their orders: `email` is the placeholder address left in place of
    theirs. Returns how many orders were changed."""
    orders = Order.objects.filter(customer=user)
    changed = orders.update(email=email, phone="", collector_name="", collector_email="")
    redact_rows(OrderEvent.objects.filter(order__customer=user), ["note", "note_params"], needles)
    OrderWithdrawal.objects.filter(order__customer=user).update(name=REDACTED, email=email)
    return changed
