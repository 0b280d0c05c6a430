"""Stripe as a `shop.orders.payments.PaymentMethod`: authorised at checkout, captured on handover.

Registered in `PaymentsConfig.ready()`; the order services call these methods inside their own
transaction (the order row is locked), and each delegates to one service of `payments.services`.
"""

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import services, stripe_api


class StripeOnline:
    code = "stripe"
    label = _("Pay online now (card, PayPal, Klarna)")
    online = True

    def offered_at(self, store) -> bool:
        return stripe_api.configured() and bool(services.store_methods(store=store))

    def begin(
        self, order, billing: Mapping[str, str], details: Mapping[str, str] | None = None
    ) -> None:
        services.payment_start(order=order, billing=billing, details=details)

    def client_data(self, order) -> dict[str, Any] | None:
        return services.payment_client_data(order=order)

    def checkout_widget(self, *, amount: Decimal, store, stores=()) -> dict[str, Any] | None:
        """Stripe.js's Payment Element in deferred mode (no intent yet): the browser creates a
        PaymentMethod on submit and the checkout confirms the intent on the server. It offers
        the payment types `store` accepts, and those of each of `stores` when the shopper picks
        that one instead (the page switches them)."""
        return {
            "template": "payments/checkout_element.html",
            "context": {
                "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
                "stripe_js": settings.STRIPE_JS_URL,
                "amount_cents": max(services.to_cents(amount), services.MIN_CENTS),
                "currency": settings.CURRENCY.lower(),
                "methods": ",".join(
                    services.store_methods(store=store)
                    if store
                    else settings.PAYMENT_DEFAULT_METHODS
                ),
                "methods_by_store": json.dumps(
                    {str(s.pk): services.store_methods(store=s) for s in stores}
                ),
            },
            "csp": stripe_csp(),
        }

    def amount_due(self, order) -> Decimal:
        return Decimal("0.00")  # nothing is paid at the counter

    def capture_at_handover(self, order) -> Decimal:
        return services.payment_capture_order(order=order)

    def release(self, order) -> None:
        services.payment_release(order=order)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def stripe_csp() -> dict[str, list[str]]:
    """What a page with Stripe.js must allow: its script, its frames (card fields, 3-D Secure)
    and its API."""
    js, api = _origin(settings.STRIPE_JS_URL), _origin(settings.STRIPE_API_BASE)
    return {
        "script-src": [js],
        "frame-src": [js, "https://hooks.stripe.com"],
        "connect-src": [api, js],
        "img-src": [js],
    }


STRIPE = StripeOnline()
