"""How a pickup order is paid. Today: at the counter, on handover.

The order service talks only to `PaymentMethod`, so an online provider (authorise at checkout,
capture on handover) can be added as another class without touching the order flow.
"""

from decimal import Decimal
from typing import Protocol

from django.utils.translation import gettext_lazy as _


class PaymentMethod(Protocol):
    code: str
    label: str

    def amount_due(self, order) -> Decimal:
        """What the shopper still has to pay when collecting."""

    def capture_at_handover(self, order) -> Decimal:
        """Settle the payment as the goods are handed over; return the amount taken."""


class PayAtCounter:
    """The shopper pays the collected goods at the till; nothing is taken online."""

    code = "counter"
    label = _("Pay at the counter on pickup")

    def amount_due(self, order) -> Decimal:
        # Points and store credit are settled online; the till takes the rest.
        return max(order.total - order.loyalty_discount - order.store_credit_used, Decimal("0.00"))

    def capture_at_handover(self, order) -> Decimal:
        # The associate takes cash or card at the till; there is nothing to call.
        return order.amount_due


# code → label of every payment method, for texts that name the method by its code
METHOD_LABELS = {PayAtCounter.code: PayAtCounter.label}


def payment_method_for(order) -> PaymentMethod:
    return PayAtCounter()
