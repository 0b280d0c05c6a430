"""The few Stripe calls Omnishop makes, through the official `stripe` client.

The client's base URL comes from `STRIPE_API_BASE` (api.stripe.com, or the tests' local server);
no retries inside the client (our idempotency keys make the callers' retries safe) and a short
timeout, because some calls run while an order row is locked. Answers are plain dicts.
"""

from collections.abc import Mapping
from typing import Any

import stripe
from django.conf import settings
from django.utils.translation import gettext_lazy as _lazy


def configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY)


def _client() -> stripe.StripeClient:
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT),
    )


def _plain(obj: Any) -> dict[str, Any]:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def intent_create(
    *,
    amount_cents: int,
    currency: str,
    methods: list[str],
    metadata: Mapping[str, str],
    key: str,
    payment_method: str = "",
    return_url: str = "",
) -> dict[str, Any]:
    """A PaymentIntent with manual capture. With `payment_method` (collected by Stripe.js in
    the browser, or by an app) it is confirmed in the same call ("finalize payments on the
    server"): the answer is `requires_capture` (authorised), `requires_action` (3-D Secure or
    a redirect: the browser finishes it), or a `stripe.CardError` for a declined card."""
    params: dict[str, Any] = {
        "amount": amount_cents,
        "currency": currency,
        "capture_method": "manual",
        "payment_method_types": methods,
        "metadata": dict(metadata),
    }
    if payment_method:
        params.update(payment_method=payment_method, confirm=True)
        if return_url:
            params["return_url"] = return_url
    intent = _client().v1.payment_intents.create(params=params, options={"idempotency_key": key})
    return _plain(intent)


def intent_retrieve(intent_id: str) -> dict[str, Any]:
    return _plain(_client().v1.payment_intents.retrieve(intent_id))


def intent_capture(intent_id: str, *, amount_cents: int, key: str) -> dict[str, Any]:
    intent = _client().v1.payment_intents.capture(
        intent_id, params={"amount_to_capture": amount_cents}, options={"idempotency_key": key}
    )
    return _plain(intent)


def intent_cancel(intent_id: str, *, key: str) -> dict[str, Any]:
    intent = _client().v1.payment_intents.cancel(
        intent_id, params={"cancellation_reason": "abandoned"}, options={"idempotency_key": key}
    )
    return _plain(intent)


def refund_create(
    intent_id: str, *, amount_cents: int, metadata: Mapping[str, str], key: str
) -> dict[str, Any]:
    refund = _client().v1.refunds.create(
        params={"payment_intent": intent_id, "amount": amount_cents, "metadata": dict(metadata)},
        options={"idempotency_key": key},
    )
    return _plain(refund)


def event_verified(payload: bytes, signature: str) -> dict[str, Any]:
    """The event, if its signature is the webhook secret's and at most 5 minutes old; raises
    ValueError or stripe.SignatureVerificationError otherwise."""
    event = stripe.Webhook.construct_event(
        payload, signature, settings.STRIPE_WEBHOOK_SECRET, tolerance=300
    )
    return _plain(event)


def error_text(exc: stripe.StripeError) -> str:
    """What went wrong, for a person: the provider's user message when there is one."""
    return str(exc.user_message or exc.__class__.__name__)[:200]


_DECLINE_TEXTS = {
    "insufficient_funds": _lazy("Your card has insufficient funds."),
    "expired_card": _lazy("Your card has expired."),
    "incorrect_cvc": _lazy("The card's security code is incorrect."),
    "incorrect_number": _lazy("The card number is incorrect."),
    "authentication_required": _lazy("Your bank asks for authentication; please try again."),
    "payment_intent_authentication_failure": _lazy(
        "The authentication with your bank failed. Please try again or use another card or method."
    ),
}


def payment_error_text(error: Mapping[str, Any]) -> str:
    """A provider's payment error ({"code", "decline_code", …}) in the reader's language."""
    for code in (error.get("decline_code"), error.get("code")):
        if code and str(code) in _DECLINE_TEXTS:
            return str(_DECLINE_TEXTS[str(code)])
    return str(_lazy("Your card was declined."))


def decline_text(exc: stripe.StripeError) -> str:
    """Why a card was declined, in the shopper's language (Stripe's own messages are English)."""
    error = getattr(exc, "error", None)
    return payment_error_text(
        {
            "code": getattr(exc, "code", "") or "",
            "decline_code": (getattr(error, "decline_code", "") or "") if error else "",
        }
    )
