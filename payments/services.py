"""Online payments: authorise at checkout, capture on handover, void, refund, webhooks, reconcile.

One `Payment` per order (a Stripe PaymentIntent with manual capture) and its ledger
(`PaymentEntry`: authorised, captured, voided, refunded, failed; whole cents; each entry once per
provider reference). The payment only moves forward:

    pending → authorised → captured          pending/authorised → voided

so a late or repeated event (webhook, return from the pay page, the abandoned-payments job) that
describes an earlier state changes nothing. Locks: the order row first, then the payment row (as
every order service: the order first).

Provider calls carry idempotency keys derived from the payment and the step, so a retry after a
timeout (or after our own transaction failed once the provider had answered) repeats the call
safely and gets the first answer.
"""

import datetime as dt
import hashlib
import logging
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import stripe
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from core.templatetags.money import format_money
from shop.orders.errors import (
    PaymentDeclined,
    PaymentDetailsMissing,
    PaymentFailed,
    PaymentRateLimited,
)
from shop.orders.models import Order, OrderStatus
from shop.orders.services.payment import (
    OPEN_FOR_COUNTER,
    order_payment_abandon,
    order_payment_authorised,
    order_payment_switch_to_counter,
)
from shop.orders.texts import ORDER_EVENT_TEXTS
from stores.models import Store

from . import stripe_api
from .errors import PaymentError, ProviderError, WebhookRejected, WebhookReplayed
from .models import (
    EntryKind,
    Payment,
    PaymentEntry,
    PaymentStatus,
    StorePaymentOptions,
    WebhookDelivery,
    WebhookEvent,
)

logger = logging.getLogger(__name__)

MIN_CENTS = 50  # Stripe's smallest euro charge


def to_cents(amount: Decimal) -> int:
    """Euros (two decimals) as whole cents; exact, never through a float."""
    return int((amount * 100).to_integral_value())


def order_online_cents(order: Order) -> int:
    """What the shopper pays online for the order as it stands: the goods still to collect, less
    the points discount and the store credit used (both settled on our side)."""
    return max(to_cents(order.goods_paid - order.store_credit_used), 0)


def store_methods(*, store: Store) -> list[str]:
    """The Stripe payment method types `store` offers (empty: pay at the counter only)."""
    options = StorePaymentOptions.objects.filter(store=store).first()
    if options is None:
        return list(settings.PAYMENT_DEFAULT_METHODS)
    if not options.online_enabled:
        return []
    return [m for m in options.methods if m in ("card", "paypal", "klarna")]


def _entry(payment: Payment, kind: str, cents: int, ref: str, note: str = "") -> PaymentEntry:
    """The ledger line, once per (payment, kind, provider reference)."""
    entry, _created = PaymentEntry.objects.get_or_create(
        payment=payment,
        kind=kind,
        provider_ref=ref,
        defaults={"order_id": payment.order_id, "amount_cents": cents, "note": note[:255]},
    )
    return entry


def _lock(order: Order) -> tuple[Order, Payment]:
    order = Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
    payment = Payment.objects.select_for_update().get(order=order)
    return order, payment


# --- checkout ------------------------------------------------------------------------------------


DECLINES_PER_CUSTOMER = 5  # declined checkouts of one shopper within DECLINE_WINDOW …
DECLINE_WINDOW = dt.timedelta(minutes=30)  # … before online payment is refused for a while


def _declines_key(customer_id: int) -> str:
    return f"payments:declines:{customer_id}"


def _decline_retry_at(customer_id: int, now: dt.datetime) -> dt.datetime | None:
    """When the shopper may try a card again, if DECLINES_PER_CUSTOMER recent declines block it.

    Kept in the cache, not the database: a declined checkout rolls its transaction back, and the
    count must survive that (Redis in production, shared by every worker)."""
    recent = [
        stamp
        for stamp in cache.get(_declines_key(customer_id), [])
        if stamp > (now - DECLINE_WINDOW).timestamp()
    ]
    if len(recent) < DECLINES_PER_CUSTOMER:
        return None
    oldest = sorted(recent)[-DECLINES_PER_CUSTOMER]
    return dt.datetime.fromtimestamp(oldest, tz=dt.UTC) + DECLINE_WINDOW


def _decline_record(customer_id: int, now: dt.datetime) -> None:
    key = _declines_key(customer_id)
    stamps = [*cache.get(key, []), now.timestamp()][-DECLINES_PER_CUSTOMER:]
    cache.set(key, stamps, timeout=int(DECLINE_WINDOW.total_seconds()))


def _return_url(order: Order, details: Mapping[str, str]) -> str:
    """Where the provider sends the shopper back after a redirect (3-D Secure, PayPal): the
    order's return page on the site the shopper ordered on (or SITE_URL)."""
    site = (details.get("site_url") or settings.SITE_URL).rstrip("/")
    return site + reverse("payments:pay_return", kwargs={"public_id": order.public_id})


def payment_start(
    *, order: Order, billing: Mapping[str, str], details: Mapping[str, str] | None = None
) -> Payment:
    """Create and confirm the PaymentIntent of a `payment_pending` order (runs in the
    checkout's transaction, the order row written and its stock reserved).

    `details["payment_method_id"]` is the payment method the shopper's browser (Stripe.js,
    deferred intent) or app collected; the intent is created with it and confirmed in the same
    call, with manual capture and the order's idempotency key:
    - authorised at once (`requires_capture`): the payment is authorised and the order placed;
    - `requires_action` (3-D Secure, PayPal/Klarna redirect): the order waits as
      `payment_pending`; the browser finishes the action on the pay page;
    - declined: PaymentDeclined, so the checkout rolls back — nothing ordered, nothing reserved,
      the cart as it was; the shopper may try another card or pay at the counter at once.
    Other refusals (amount too large, provider down) raise PaymentFailed the same way. More than
    DECLINES_PER_CUSTOMER declines within DECLINE_WINDOW: PaymentRateLimited before any call.
    A second call for the same order returns the payment written the first time.
    """
    existing = Payment.objects.filter(order=order).first()
    if existing is not None:
        return existing
    details = details or {}
    payment_method = (details.get("payment_method_id") or "").strip()
    if not re.fullmatch(r"pm_[A-Za-z0-9_]{1,100}", payment_method):
        raise PaymentDetailsMissing(
            _("Please enter your payment details for the online payment, or pay at the counter.")
        )
    cents = order_online_cents(order)
    if cents < MIN_CENTS:
        raise PaymentFailed(
            _("Online payment needs at least %(amount)s; please choose to pay at the counter.")
            % {"amount": format_money(Decimal(MIN_CENTS) / 100)}
        )
    now = timezone.now()
    retry_at = _decline_retry_at(order.customer_id, now)
    if retry_at is not None:
        raise PaymentRateLimited(
            _(
                "Too many declined payments. Please try again after %(time)s or choose to pay "
                "at the counter."
            )
            % {"time": time_format(timezone.localtime(retry_at), "TIME_FORMAT")},
            retry_at,
        )
    try:
        intent = stripe_api.intent_create(
            amount_cents=cents,
            currency=settings.CURRENCY.lower(),
            methods=store_methods(store=order.store) or ["card"],
            metadata={"order": order.number, "order_id": str(order.public_id)},
            key=f"omnishop-{order.public_id}-authorise",
            payment_method=payment_method,
            return_url=_return_url(order, details),
        )
    except stripe.CardError as exc:
        logger.info("Payment for order %s declined: %s", order.number, exc.code)
        _decline_record(order.customer_id, now)
        raise PaymentDeclined(
            _(
                "%(reason)s Nothing was ordered. Please try another card or payment method, or "
                "choose to pay at the counter."
            )
            % {"reason": stripe_api.decline_text(exc)}
        ) from None
    except stripe.StripeError as exc:
        logger.warning("PaymentIntent for order %s refused: %r", order.number, exc)
        raise PaymentFailed(
            _("Online payment is not possible right now (%(reason)s). Nothing was ordered.")
            % {"reason": stripe_api.error_text(exc)}
        ) from None
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                order=order,
                intent_id=intent["id"],
                client_secret=intent.get("client_secret") or "",
                currency=intent.get("currency", "eur"),
                amount_cents=int(intent["amount"]),
                billing_company=(billing.get("company") or "").strip()[:120],
                billing_vat_id=(billing.get("vat_id") or "").strip().upper()[:20],
                billing_address=(billing.get("address") or "").strip()[:255],
            )
    except IntegrityError:  # a concurrent call wrote it first: the same intent
        return Payment.objects.get(order=order)
    if intent.get("status") == "requires_capture":
        return payment_sync(intent=intent, source="checkout") or payment
    return payment


@dataclass(frozen=True)
class NextStep:
    """What the pay page does: "action" when the provider waits for the shopper (3-D Secure, a
    redirect), else "method" (try another card or method); `error` why the last try failed,
    in the reader's language (Stripe's own messages are English)."""

    step: str
    error: str


def payment_next_step(*, payment: Payment) -> NextStep:
    """Ask the provider what the pay page of a pending payment does next; a provider that
    cannot be reached counts as "method" without a reason."""
    try:
        intent = stripe_api.intent_retrieve(payment.intent_id)
    except stripe.StripeError:
        return NextStep("method", "")
    if intent.get("status") == "requires_action":
        return NextStep("action", "")
    error = intent.get("last_payment_error") or {}
    return NextStep("method", stripe_api.payment_error_text(error) if error else "")


def payment_client_data(*, order: Order) -> dict[str, Any] | None:
    """What an app needs to finish an online payment: the order's payment status, and while the
    provider waits for the shopper the client secret and publishable key (Stripe SDK
    `handleNextAction`). None for an order without an online payment."""
    payment = Payment.objects.filter(order=order).first()
    if payment is None:
        return None
    pending = (
        order.status == OrderStatus.PAYMENT_PENDING and payment.status == PaymentStatus.PENDING
    )
    return {
        "provider": payment.provider,
        "status": payment.status,
        "requires_action": pending,
        "client_secret": payment.client_secret if pending else None,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY if pending else None,
        "amount_cents": payment.amount_cents,
        "currency": payment.currency,
    }


# --- the provider's view of an intent ------------------------------------------------------------


def payment_sync(*, intent: Mapping[str, Any], source: str) -> Payment | None:
    """Apply what the provider says about an intent (webhook, return page, jobs), forward only.

    requires_capture → authorised (the order is placed); succeeded → captured (a capture made
    elsewhere is recorded); canceled → voided (an order still awaiting payment is cancelled).
    Anything else, or a state we are already past, changes nothing. Returns the payment, or
    None when the intent is not ours.
    """
    found = Payment.objects.filter(intent_id=intent.get("id", "")).only("order_id").first()
    if found is None:
        return None
    void_after = False
    with transaction.atomic():
        order, payment = _lock(found.order)
        status = intent.get("status")
        if status == "requires_capture" and payment.status == PaymentStatus.PENDING:
            payment.status = PaymentStatus.AUTHORISED
            payment.authorised_at = timezone.now()
            payment.amount_cents = int(intent.get("amount_capturable") or payment.amount_cents)
            payment.last_error = ""
            payment.save()
            _entry(payment, EntryKind.AUTHORISED, payment.amount_cents, payment.intent_id, source)
            order = order_payment_authorised(
                order=order, note=ORDER_EVENT_TEXTS.make("paid_online_authorised", source=source)
            )
            # Cancelled while the shopper was paying: the money must not stay on hold.
            void_after = order.status != OrderStatus.PLACED
        elif status == "succeeded" and payment.status in (
            PaymentStatus.PENDING,
            PaymentStatus.AUTHORISED,
        ):
            payment.status = PaymentStatus.CAPTURED
            payment.captured_cents = min(
                int(intent.get("amount_received") or 0), payment.amount_cents
            )
            payment.save()
            _entry(payment, EntryKind.CAPTURED, payment.captured_cents, payment.intent_id, source)
        elif status == "canceled" and payment.status in (
            PaymentStatus.PENDING,
            PaymentStatus.AUTHORISED,
        ):
            payment.status = PaymentStatus.VOIDED
            open_order = order.status in OPEN_FOR_COUNTER
            if open_order:
                payment.last_error = _(
                    "The authorisation was cancelled at the provider; the customer pays at the "
                    "counter."
                )
            payment.save()
            _entry(payment, EntryKind.VOIDED, 0, payment.intent_id, source)
            if open_order:
                # Cancelled or lapsed at the provider while the order is still open: it is now
                # paid at the counter for the full amount (event, shopper told, desk shows it).
                order_payment_switch_to_counter(order=order)
            else:
                order_payment_abandon(order=order, note=ORDER_EVENT_TEXTS.make("payment_cancelled"))
        elif status == "requires_payment_method" and intent.get("last_payment_error"):
            error = intent["last_payment_error"] or {}
            payment.last_error = str(error.get("message", ""))[:255]
            payment.save(update_fields=["last_error", "updated_at"])
    if void_after:
        payment_release(order=order)
    return payment


def payment_refresh(*, payment: Payment, source: str) -> Payment:
    """Ask the provider about the payment now and apply it (the return page, the jobs)."""
    try:
        intent = stripe_api.intent_retrieve(payment.intent_id)
    except stripe.StripeError as exc:
        raise ProviderError(
            _("The payment provider cannot be reached (%(reason)s). Please try again shortly.")
            % {"reason": stripe_api.error_text(exc)}
        ) from None
    return payment_sync(intent=intent, source=source) or payment


# --- handover, cancel, expiry --------------------------------------------------------------------


def payment_capture_order(*, order: Order) -> Decimal:
    """Take what is handed over (called by the handover, order row locked); the rest of the
    authorisation is released by the provider. Returns the euros taken.

    A refusal raises PaymentFailed: the handover is not written, the order stays ready, and the
    associate sees why and can try again (the same idempotency key: a capture the provider made
    before our transaction failed is answered again, not made twice)."""
    payment = Payment.objects.select_for_update().get(order=order)
    cents = order_online_cents(order)
    if payment.status == PaymentStatus.CAPTURED:  # taken earlier (before the authorisation lapsed)
        payment_settle_after_capture(order=order)
        payment.refresh_from_db()
        return Decimal(payment.captured_cents - payment.refunded_cents) / 100
    if payment.status != PaymentStatus.AUTHORISED:
        raise PaymentFailed(
            _(
                "Order %(number)s has no authorised online payment (%(status)s); the customer "
                "pays at the counter."
            )
            % {"number": order.number, "status": payment.get_status_display()}
        )
    if cents == 0:  # everything was short: nothing to take
        payment_release(order=order)
        return Decimal("0.00")
    try:
        # A fresh key per attempt: the provider keeps a refusal under its key, and a retry must
        # really try again. Capturing twice is impossible anyway (a captured intent refuses).
        intent = stripe_api.intent_capture(
            payment.intent_id,
            amount_cents=min(cents, payment.amount_cents),
            key=f"omnishop-{payment.intent_id}-capture-{uuid.uuid4()}",
        )
    except stripe.StripeError as exc:
        logger.warning(
            "Capture of %s for order %s failed: %r", payment.intent_id, order.number, exc
        )
        earlier = _captured_before(payment)
        if earlier is None:
            raise _capture_failed(exc) from None
        intent = earlier
    payment.status = PaymentStatus.CAPTURED
    payment.captured_cents = int(intent.get("amount_received") or cents)
    payment.last_error = ""
    payment.save()
    note = _("at handover")
    if payment.captured_cents < payment.amount_cents:
        note = _("at handover, %(released)s released") % {
            "released": f"{payment.amount_cents - payment.captured_cents} ct"
        }
    _entry(payment, EntryKind.CAPTURED, payment.captured_cents, payment.intent_id, note)
    from .invoices import invoice_issue

    invoice_issue(order=order, payment=payment)
    return Decimal(payment.captured_cents) / 100


def _captured_before(payment: Payment) -> dict[str, Any] | None:
    """The intent, if an earlier attempt captured it (our transaction failed after the
    provider's answer); None when it is not captured or cannot be asked."""
    try:
        intent = stripe_api.intent_retrieve(payment.intent_id)
    except stripe.StripeError:
        return None
    return intent if intent.get("status") == "succeeded" else None


def _capture_failed(exc: stripe.StripeError) -> PaymentFailed:
    return PaymentFailed(
        _(
            "The online payment could not be taken (%(reason)s). Nothing was handed over in "
            "the system: the order is still ready. Please try again in a moment."
        )
        % {"reason": stripe_api.error_text(exc)}
    )


def payment_release(*, order: Order) -> None:
    """The order is off: void the authorisation (or refund what was taken early).

    A provider that cannot be reached does not stop the cancellation: the payment stays as it is
    with the error noted, and the nightly reconciliation voids it later (an authorisation also
    lapses by itself)."""
    payment = Payment.objects.filter(order=order).first()
    if payment is None or payment.status == PaymentStatus.VOIDED:
        return
    if payment.status == PaymentStatus.CAPTURED:
        rest = payment.captured_cents - payment.refunded_cents
        if rest > 0:
            try:
                payment_refund(order=order, cents=rest, reference=f"release:{order.number}")
            except PaymentError as exc:
                logger.error("Refund on cancel of order %s failed: %s", order.number, exc)
        return
    try:
        intent = stripe_api.intent_cancel(
            payment.intent_id, key=f"omnishop-{payment.intent_id}-cancel"
        )
    except stripe.StripeError as exc:
        try:
            intent = stripe_api.intent_retrieve(payment.intent_id)
        except stripe.StripeError:
            intent = {}
        if intent.get("status") != "canceled":
            logger.error("Void of %s (order %s) failed: %r", payment.intent_id, order.number, exc)
            Payment.objects.filter(pk=payment.pk).update(
                last_error=_("Void failed: %(reason)s") % {"reason": stripe_api.error_text(exc)}
            )
            return
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status in (PaymentStatus.PENDING, PaymentStatus.AUTHORISED):
            payment.status = PaymentStatus.VOIDED
            payment.last_error = ""
            payment.save()
            _entry(payment, EntryKind.VOIDED, 0, intent.get("id", payment.intent_id))


# --- refunds -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefundLine:
    """One refunded line, for the credit note: what, how many, the gross refunded and its VAT."""

    sku: str
    name: str
    quantity: int
    gross: Decimal
    vat_rate: Decimal


def payment_refund(
    *,
    order: Order,
    cents: int,
    reference: str,
    lines: list[RefundLine] | None = None,
) -> PaymentEntry:
    """Give `cents` back to the original online payment, once per `reference` (a return code):
    the provider's refund, the ledger entry, and a credit note (with `lines`, else one line).

    Raises PaymentError when there is nothing online to refund or more than what is left, and
    ProviderError when the provider refuses or cannot be reached (then nothing is written)."""
    payment = Payment.objects.select_for_update().filter(order=order).first()
    if payment is None or payment.status != PaymentStatus.CAPTURED:
        raise PaymentError(
            _("Order %(number)s has no online payment that was taken; refund another way.")
            % {"number": order.number}
        )
    done = payment.entries.filter(kind=EntryKind.REFUNDED, note__startswith=reference + " ").first()
    if done is not None:
        return done
    left = payment.captured_cents - payment.refunded_cents
    if isinstance(cents, bool) or not isinstance(cents, int) or not 0 < cents <= left:
        raise PaymentError(
            _("At most %(left)s can be refunded to the online payment of order %(number)s.")
            % {"left": f"{Decimal(left) / 100:.2f} €", "number": order.number}
        )
    try:
        refund = stripe_api.refund_create(
            payment.intent_id,
            amount_cents=cents,
            metadata={"order": order.number, "reference": reference},
            key=f"omnishop-{payment.intent_id}-refund-{reference}",
        )
    except stripe.StripeError as exc:
        logger.warning("Refund for %s (%s) failed: %r", order.number, reference, exc)
        raise ProviderError(
            _(
                "The refund to the online payment failed (%(reason)s). Nothing was refunded; please try again."
            )
            % {"reason": stripe_api.error_text(exc)}
        ) from None
    payment.refunded_cents += cents
    payment.save(update_fields=["refunded_cents", "updated_at"])
    entry = _entry(payment, EntryKind.REFUNDED, cents, refund["id"], f"{reference} ")
    from .invoices import credit_note_issue

    credit_note_issue(
        order=order, payment=payment, refund_ref=refund["id"], cents=cents, lines=lines
    )
    return entry


# --- webhooks ------------------------------------------------------------------------------------


HANDLED_EVENTS = {
    "payment_intent.amount_capturable_updated",
    "payment_intent.succeeded",
    "payment_intent.canceled",
    "payment_intent.payment_failed",
}


def _signed_at(signature: str) -> str:
    """The `t=` (signing time) of a verified Stripe-Signature header."""
    for item in signature.split(","):
        key, _sep, value = item.strip().partition("=")
        if key == "t":
            return value
    return ""


def webhook_receive(*, payload: bytes, signature: str) -> str:
    """Verify and apply one webhook delivery; returns what happened (for the log and the answer).

    A bad or missing signature, one older than 5 minutes (stale) or a body that is not an
    event raises WebhookRejected (400) before anything is read from it; the same event signed
    at the same time again (a replay of captured bytes, padded or not) raises WebhookReplayed
    (400). An event id seen before (Stripe's redelivery, signed anew) is answered "duplicate"
    and changes nothing; events out of order are harmless because
    `payment_sync` moves a payment only forward."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise WebhookRejected(_("Webhooks are not configured."))
    try:
        event = stripe_api.event_verified(payload, signature)
    except (ValueError, stripe.SignatureVerificationError) as exc:
        logger.warning("Stripe webhook rejected: %s", exc)
        raise WebhookRejected(_("The webhook signature is not valid.")) from None
    event_id = str(event.get("id") or "")
    kind = str(event.get("type") or "")
    obj = (event.get("data") or {}).get("object") or {}
    if not event_id:
        raise WebhookRejected(_("The webhook carries no event."))
    # A delivery is its event signed at one time: Stripe's redelivery is signed anew (another
    # `t=`), passes here and is answered "duplicate"; the same event with the same signing time
    # again is a replay, however the header around it was padded.
    digest = hashlib.sha256(f"{event_id}:{_signed_at(signature)}".encode()).hexdigest()
    try:
        with transaction.atomic():
            WebhookDelivery.objects.create(signature_sha256=digest, event_id=event_id[:100])
    except IntegrityError:
        logger.warning("Stripe webhook replayed: event %s", event_id)
        raise WebhookReplayed(
            _("The webhook was replayed: this signed delivery was received before.")
        ) from None
    try:
        with transaction.atomic():
            record = WebhookEvent.objects.create(
                event_id=event_id[:100],
                type=kind[:100],
                intent_id=str(obj.get("id", ""))[:64]
                if obj.get("object") == "payment_intent"
                else "",
            )
    except IntegrityError:
        return "duplicate"
    outcome = "ignored"
    if kind in HANDLED_EVENTS and obj.get("object") == "payment_intent":
        payment = payment_sync(intent=obj, source=f"webhook {kind}")
        outcome = "applied" if payment is not None else ORPHAN
    WebhookEvent.objects.filter(pk=record.pk).update(outcome=outcome)
    return outcome


# --- jobs ----------------------------------------------------------------------------------------


def payments_release_abandoned(*, now: dt.datetime | None = None) -> int:
    """Orders still awaiting payment after PAYMENT_PENDING_MINUTES: authorised after all →
    placed; otherwise the intent is cancelled and the stock goes back on sale. Returns how many
    orders were cancelled."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=settings.PAYMENT_PENDING_MINUTES)
    cancelled = 0
    stale = Order.objects.filter(
        status=OrderStatus.PAYMENT_PENDING, created_at__lt=cutoff
    ).values_list("pk", flat=True)
    for order_id in list(stale[:200]):
        order = Order.objects.get(pk=order_id)
        payment = Payment.objects.filter(order=order).first()
        if payment is not None:
            try:
                payment = payment_refresh(payment=payment, source="abandoned check")
            except ProviderError as exc:
                logger.warning("Abandoned check of order %s: %s", order.number, exc)
                continue
        order.refresh_from_db(fields=["status"])
        if order.status == OrderStatus.PAYMENT_PENDING:
            order_payment_abandon(order=order, note=ORDER_EVENT_TEXTS.make("payment_timed_out"))
            cancelled += 1
    return cancelled


ORPHAN = "unknown payment"  # the outcome of an event about an intent we have no payment for


def payments_void_orphans(*, now: dt.datetime | None = None) -> int:
    """Void authorisations whose checkout was rolled back after Stripe had said yes (our
    transaction failed, or Stripe's answer came after our timeout): Stripe's event about such
    an intent found no payment (`WebhookEvent.outcome` "unknown payment"). Once the checkout
    could no longer be committing (PAYMENT_PENDING_MINUTES later), an intent of ours (its
    metadata names an order) that still has no payment and holds money is cancelled, so the
    shopper's money is not held for days. Returns how many were voided."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=settings.PAYMENT_PENDING_MINUTES)
    events = WebhookEvent.objects.filter(
        outcome=ORPHAN,
        type="payment_intent.amount_capturable_updated",
        received_at__lt=cutoff,
    ).exclude(intent_id="")
    voided = 0
    for event in list(events[:200]):
        outcome = "orphan: ours"
        if not Payment.objects.filter(intent_id=event.intent_id).exists():
            try:
                intent = stripe_api.intent_retrieve(event.intent_id)
                outcome = "orphan: " + str(intent.get("status", ""))
                order_id = (intent.get("metadata") or {}).get("order_id")
                if intent.get("status") == "requires_capture" and order_id:
                    stripe_api.intent_cancel(
                        event.intent_id, key=f"omnishop-{event.intent_id}-cancel-orphan"
                    )
                    outcome = "orphan voided"
                    voided += 1
                    logger.warning("Voided orphan authorisation %s", event.intent_id)
            except stripe.StripeError as exc:
                logger.warning("Orphan check of %s failed: %r", event.intent_id, exc)
                continue  # asked again on the next run
        WebhookEvent.objects.filter(pk=event.pk).update(outcome=outcome)
    return voided


@dataclass(frozen=True)
class Difference:
    order: str
    intent: str
    ours: str
    theirs: str


_THEIRS = {
    "requires_payment_method": PaymentStatus.PENDING,
    "requires_confirmation": PaymentStatus.PENDING,
    "requires_action": PaymentStatus.PENDING,
    "processing": PaymentStatus.PENDING,
    "requires_capture": PaymentStatus.AUTHORISED,
    "succeeded": PaymentStatus.CAPTURED,
    "canceled": PaymentStatus.VOIDED,
}


def payments_reconcile(*, since_days: int = 10) -> list[Difference]:
    """Compare our payments of the last `since_days` with the provider's state and amounts.

    Differences are returned (and logged) for a person to look at. Two are repaired on the way:
    an authorisation still open for an order that is off is voided again, and an event we
    missed (the provider is ahead) is applied through `payment_sync`."""
    differences: list[Difference] = []
    since = timezone.now() - dt.timedelta(days=since_days)
    # Signatures older than the webhook tolerance are refused as stale anyway.
    WebhookDelivery.objects.filter(received_at__lt=timezone.now() - dt.timedelta(days=1)).delete()
    for payment in Payment.objects.filter(updated_at__gte=since).select_related("order"):
        try:
            intent = stripe_api.intent_retrieve(payment.intent_id)
        except stripe.StripeError as exc:
            differences.append(
                Difference(payment.order.number, payment.intent_id, payment.status, repr(exc))
            )
            continue
        theirs = _THEIRS.get(intent.get("status", ""), intent.get("status", ""))
        received = int(intent.get("amount_received") or 0)
        same = theirs == payment.status and (
            payment.status != PaymentStatus.CAPTURED or received == payment.captured_cents
        )
        if same:
            if payment.status == PaymentStatus.AUTHORISED and payment.order.status in (
                OrderStatus.CANCELLED,
                OrderStatus.EXPIRED,
            ):
                payment_release(order=payment.order)
                differences.append(
                    Difference(payment.order.number, payment.intent_id, "authorised", "voided now")
                )
            continue
        differences.append(
            Difference(
                payment.order.number,
                payment.intent_id,
                f"{payment.status} {payment.captured_cents}",
                f"{intent.get('status')} {received}",
            )
        )
        payment_sync(intent=intent, source="reconciliation")
    for diff in differences:
        logger.warning(
            "Payment reconciliation: order %s (%s) ours %s, provider %s",
            diff.order,
            diff.intent,
            diff.ours,
            diff.theirs,
        )
    return differences


def payments_capture_before_lapse(*, now: dt.datetime | None = None) -> int:
    """Card authorisations lapse after PAYMENT_AUTHORISATION_DAYS (Stripe: 7 days). An order
    still open when its authorisation is within PAYMENT_CAPTURE_MARGIN_HOURS of lapsing is
    captured now for what it still holds; the handover then takes nothing more, and a later
    cancel, expiry or short pick is refunded (docs/payments.md). Returns how many were taken."""
    now = now or timezone.now()
    lapse = dt.timedelta(days=settings.PAYMENT_AUTHORISATION_DAYS)
    margin = dt.timedelta(hours=settings.PAYMENT_CAPTURE_MARGIN_HOURS)
    due = Payment.objects.filter(
        status=PaymentStatus.AUTHORISED,
        authorised_at__lt=now - lapse + margin,
        order__status__in=(OrderStatus.PLACED, OrderStatus.PICKING, OrderStatus.READY),
    ).values_list("order_id", flat=True)
    taken = 0
    for order_id in list(due[:200]):
        with transaction.atomic():
            order = Order.objects.select_for_update(of=("self",)).get(pk=order_id)
            if order.status not in (OrderStatus.PLACED, OrderStatus.PICKING, OrderStatus.READY):
                continue
            try:
                payment_capture_order(order=order)
            except PaymentFailed as exc:
                logger.error("Early capture of order %s failed: %s", order.number, exc)
                continue
            taken += 1
    return taken


def payment_settle_after_capture(*, order: Order) -> None:
    """At handover after an early capture: refund what was taken beyond what is handed over."""
    payment = Payment.objects.filter(order=order, status=PaymentStatus.CAPTURED).first()
    if payment is None:
        return
    excess = payment.captured_cents - payment.refunded_cents - order_online_cents(order)
    if excess > 0:
        payment_refund(order=order, cents=excess, reference=f"short:{order.number}")
