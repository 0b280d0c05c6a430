"""How a pickup order is paid: the methods, and the registry through which a higher app adds one.

The order service talks only to `PaymentMethod`. Paying at the counter lives here (today's
behaviour and the default); an online provider (the `payments` app: Stripe, authorised at
checkout, captured on handover) registers itself with `payment_method_register` in its
`AppConfig.ready()`, so `orders` never imports the app above it.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol

from django.utils.translation import gettext_lazy as _


class PaymentMethod(Protocol):
    code: str
    label: str
    # True: the shopper authorises online at checkout; the order waits as `payment_pending`
    # until the provider confirms, and becomes `placed` then.
    online: bool

    def offered_at(self, store) -> bool:
        """Whether shoppers may choose this method for an order at `store`."""

    def begin(
        self, order, billing: Mapping[str, str], details: Mapping[str, str] | None = None
    ) -> None:
        """Called in the checkout's transaction right after the order is written: an online
        method asks the provider for the authorisation here (raising `PaymentFailed` undoes the
        whole checkout: a declined card reserves nothing). `billing` may name a company, its VAT
        ID and address for the invoice; `details` carries what the shopper's browser or app
        collected for the provider (`payment_method_id`) and the site it was ordered on
        (`site_url`, for the provider's redirect back)."""

    def client_data(self, order) -> dict[str, Any] | None:
        """What an app needs to finish the payment on its side (an online method: status,
        client secret, publishable key); None for a method with nothing to finish."""

    def checkout_widget(self, *, amount: Decimal, store, stores=()) -> dict[str, Any] | None:
        """What the checkout page shows for this method with `store` chosen (any of `stores`
        may be chosen instead): {"template", "context", "csp"} (the template is included in the
        checkout form, the CSP additions are allowed on the page); None for nothing."""

    def amount_due(self, order) -> Decimal:
        """What the shopper still has to pay when collecting."""

    def capture_at_handover(self, order) -> Decimal:
        """Settle the payment as the goods are handed over; return the amount taken.

        Raises `shop.orders.errors.PaymentFailed` when the money cannot be taken: the handover
        is then refused and nothing of it is written, so the order stays ready to collect."""

    def release(self, order) -> None:
        """The order is off (cancelled, expired): give up what was authorised or taken."""


class PayAtCounter:
    """The shopper pays the collected goods at the till; nothing is taken online."""

    code = "counter"
    label = _("Pay at the counter on pickup")
    online = False

    def offered_at(self, store) -> bool:
        return True

    def begin(
        self, order, billing: Mapping[str, str], details: Mapping[str, str] | None = None
    ) -> None:
        return None

    def client_data(self, order) -> dict[str, Any] | None:
        return None

    def checkout_widget(self, *, amount: Decimal, store, stores=()) -> dict[str, Any] | None:
        return None

    def amount_due(self, order) -> Decimal:
        # The offer, points and store credit are settled online; the till takes the rest.
        return max(order.goods_paid - order.store_credit_used, Decimal("0.00"))

    def capture_at_handover(self, order) -> Decimal:
        # The associate takes cash or card at the till; there is nothing to call.
        return order.amount_due

    def release(self, order) -> None:
        return None


COUNTER = PayAtCounter()
_METHODS: dict[str, PaymentMethod] = {COUNTER.code: COUNTER}
# code → label of every payment method, for texts that name the method by its code
METHOD_LABELS: dict[str, Any] = {COUNTER.code: COUNTER.label}


def payment_method_register(method: PaymentMethod) -> None:
    """Add an online method (called from a higher app's `ready()`); a code only once."""
    if method.code in _METHODS and _METHODS[method.code] is not method:
        raise ValueError(f"Payment method {method.code!r} is registered already.")
    _METHODS[method.code] = method
    METHOD_LABELS[method.code] = method.label


def payment_method_get(code: str) -> PaymentMethod | None:
    return _METHODS.get(code)


def payment_methods_offered(store) -> list[PaymentMethod]:
    """The methods a shopper may choose for `store`, paying at the counter always among them."""
    return [method for method in _METHODS.values() if method.offered_at(store)]


def payment_method_for(order) -> PaymentMethod:
    return _METHODS.get(order.payment_method, COUNTER)
