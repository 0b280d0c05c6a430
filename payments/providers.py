"""Stripe as a `shop.orders.payments.PaymentMethod`: authorised at checkout, captured on handover.

Registered in `PaymentsConfig.ready()`; the order services call these methods inside their own
transaction (the order row is locked), and each delegates to one service of `payments.services`.
"""

from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from . import services, stripe_api


class StripeOnline:
    code = "stripe"
    label = _("Pay online now (card, PayPal, Klarna)")
    online = True

    def offered_at(self, store) -> bool:
        return stripe_api.configured() and bool(services.store_methods(store=store))

    def begin(self, order, billing: Mapping[str, str]) -> None:
        services.payment_start(order=order, billing=billing)

    def amount_due(self, order) -> Decimal:
        return Decimal("0.00")  # nothing is paid at the counter

    def capture_at_handover(self, order) -> Decimal:
        return services.payment_capture_order(order=order)

    def release(self, order) -> None:
        services.payment_release(order=order)


STRIPE = StripeOnline()
