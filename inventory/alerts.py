"""Back in stock at my store: a shopper asks to be told when a variant is available at one store.

- A logged-in shopper's alert is active at once (`stock_alert_subscribe`). An address given
  without login gets a confirmation e-mail (`stock_alert_request`, rate-limited per client and
  per address); the alert is active only after its signed, expiring link is confirmed
  (`stock_alert_confirm`, double opt-in).
- Every stock write in `inventory.services` that can raise what is available at a store calls
  `stock_alerts_fire` in its own transaction, after the stock rows are locked. It ends the
  store's active alerts for the variants that are now available (status `sent`) and writes one
  notification per alert to the outbox (sent after commit). Two stock increases at once queue on
  the stock row's lock, and the second finds the alert already sent: one message per alert.
- The message carries a signed link that puts the variant into the cart with the store chosen;
  anonymous e-mails also carry an unsubscribe link (`stock_alert_end_by_token`).
- Open alerts lapse after `ALERT_LIFETIME` (beat job `inventory.tasks.lapse_stock_alerts`),
  unconfirmed ones after `CONFIRM_WINDOW`.

Lock order (docs/architecture.md): stock rows first, then alert rows.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Literal

from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from shop.catalogue.models import Variant
from stores.models import Store

from . import notifications
from .errors import AlertError, AlertLinkInvalid, AlertNotNeeded, AlertRateLimited
from .models import OPEN_ALERT_STATUSES, AlertStatus, StockAlert, StockLevel
from .selectors import availability_at_store

ALERT_LIFETIME = dt.timedelta(days=90)
CONFIRM_WINDOW = dt.timedelta(days=3)
CART_LINK_VALID = dt.timedelta(days=30)
# The unsubscribe link works as long as the alert could still be open.
END_LINK_VALID = ALERT_LIFETIME + dt.timedelta(days=7)

# Requests without login: per client (IP address) and per address, counted in the cache.
REQUESTS_PER_CLIENT = 5
REQUESTS_PER_ADDRESS = 3
REQUEST_WINDOW = dt.timedelta(minutes=15)

Purpose = Literal["confirm", "end", "cart"]
_MAX_AGE: dict[str, dt.timedelta] = {
    "confirm": CONFIRM_WINDOW,
    "end": END_LINK_VALID,
    "cart": CART_LINK_VALID,
}


# --- signed links ----------------------------------------------------------------------------


def stock_alert_token(*, alert: StockAlert, purpose: Purpose) -> str:
    """A signed, expiring token naming the alert, valid for one purpose only."""
    return signing.dumps(str(alert.public_id), salt=f"stock-alert-{purpose}", compress=True)


def stock_alert_from_token(*, token: str, purpose: Purpose) -> StockAlert:
    """The alert a token names; AlertLinkInvalid when forged, expired or the alert is gone."""
    try:
        public_id = signing.loads(
            token,
            salt=f"stock-alert-{purpose}",
            max_age=_MAX_AGE[purpose],
        )
        alert = (
            StockAlert.objects.select_related("store", "variant", "variant__product")
            .filter(public_id=public_id)
            .first()
        )
    except (signing.BadSignature, ValueError):
        alert = None
    if alert is None:
        raise AlertLinkInvalid(
            _(
                "This link is not valid (any more). Please ask for the alert again on the product page."
            )
        )
    return alert


# --- asking ----------------------------------------------------------------------------------


def _refuse_if_available(store: Store, variant: Variant) -> None:
    if availability_at_store(store.pk, [variant.pk]).get(variant.pk, 0) > 0:
        raise AlertNotNeeded(
            _("%(product)s is available at %(store)s right now.")
            % {"product": variant.product.name, "store": store.name}
        )


def _lock_stock_row(store_id: int, variant_id: int) -> None:
    list(
        StockLevel.objects.select_for_update()
        .filter(store_id=store_id, variant_id=variant_id)
        .values_list("pk", flat=True)
    )


def _check_target(store: Store, variant: Variant) -> None:
    if not store.is_active or not store.pickup_enabled:
        raise AlertError(_("Please choose one of our pickup stores."))
    if not variant.is_active or not variant.product.is_active:
        raise AlertError(_("This product is not available any more."))


def stock_alert_subscribe(*, user: User, store: Store, variant: Variant) -> StockAlert:
    """A logged-in shopper's alert, active at once. Asking twice returns the open alert."""
    _check_target(store, variant)
    with transaction.atomic():
        # The stock row first (the lock order): a receipt landing now either committed before
        # this reads the availability, or waits and then finds the new alert active.
        _lock_stock_row(store.pk, variant.pk)
        _refuse_if_available(store, variant)
        existing = StockAlert.objects.filter(
            user=user, store=store, variant=variant, status__in=OPEN_ALERT_STATUSES
        ).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                return StockAlert.objects.create(
                    user=user,
                    store=store,
                    variant=variant,
                    email="",
                    language=user.language or translation.get_language() or "de",
                    status=AlertStatus.ACTIVE,
                    confirmed_at=timezone.now(),
                )
        except IntegrityError:  # a double click created it in between
            return StockAlert.objects.get(
                user=user, store=store, variant=variant, status__in=OPEN_ALERT_STATUSES
            )


def _count(key: str, limit: int, now: dt.datetime) -> None:
    """Count one request under `key`; AlertRateLimited once `limit` is reached in the window."""
    timeout = int(REQUEST_WINDOW.total_seconds())
    if (cache.get(key) or 0) >= limit:
        raise AlertRateLimited(
            _("Too many requests. Please try again in %(minutes)d minutes.")
            % {"minutes": timeout // 60},
            retry_at=now + REQUEST_WINDOW,
        )
    cache.add(key, 0, timeout=timeout)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)


def stock_alert_request(
    *, email: str, store: Store, variant: Variant, language: str, client: str = ""
) -> StockAlert:
    """An alert asked for by e-mail address without login: pending until its link is confirmed.

    The answer is the same whether or not the address already has an alert (no one learns what
    someone else asked for); an open alert for the same address, store and variant is returned
    unchanged (no second confirmation e-mail). Rate-limited per client and per address.
    """
    address = (email or "").strip().lower()
    now = timezone.now()
    if client:
        _count(f"stock-alert-client:{client}", REQUESTS_PER_CLIENT, now)
    _count(f"stock-alert-address:{address}", REQUESTS_PER_ADDRESS, now)
    _check_target(store, variant)
    _refuse_if_available(store, variant)
    with transaction.atomic():
        open_alerts = StockAlert.objects.select_for_update().filter(
            user__isnull=True,
            email=address,
            store=store,
            variant=variant,
            status__in=OPEN_ALERT_STATUSES,
        )
        existing = open_alerts.first()
        if existing is not None:
            if existing.status == AlertStatus.ACTIVE or existing.created_at > now - CONFIRM_WINDOW:
                return existing
            # An unconfirmed request whose link has expired: ask again.
            _close([existing], AlertStatus.LAPSED, now)
        try:
            with transaction.atomic():
                alert = StockAlert.objects.create(
                    email=address,
                    store=store,
                    variant=variant,
                    language=language or translation.get_language() or "de",
                    status=AlertStatus.PENDING,
                )
        except IntegrityError:  # the same request twice at once
            return StockAlert.objects.get(
                user__isnull=True,
                email=address,
                store=store,
                variant=variant,
                status__in=OPEN_ALERT_STATUSES,
            )
        notifications.stock_alert_requested(alert)
    return alert


@transaction.atomic
def stock_alert_confirm(*, token: str) -> StockAlert:
    """The double opt-in: the address's owner followed the link. A pending alert becomes active
    (and is sent at once if the variant is already available again); confirming twice is
    harmless; an ended or lapsed alert stays ended (AlertLinkInvalid)."""
    found = stock_alert_from_token(token=token, purpose="confirm")
    # Stock row first, then the alert (the lock order): a receipt at this moment either sees
    # the alert active or has committed before this reads the availability.
    _lock_stock_row(found.store_id, found.variant_id)
    alert = StockAlert.objects.select_for_update().get(pk=found.pk)
    if alert.status in (AlertStatus.ACTIVE, AlertStatus.SENT):
        return alert
    if alert.status != AlertStatus.PENDING:
        raise AlertLinkInvalid(
            _("This alert has ended. Please ask for it again on the product page.")
        )
    alert.status = AlertStatus.ACTIVE
    alert.confirmed_at = timezone.now()
    alert.save(update_fields=["status", "confirmed_at"])
    stock_alerts_fire(store_id=alert.store_id, variant_ids=[alert.variant_id])
    alert.refresh_from_db()
    return alert


def _close(alerts: Iterable[StockAlert], status: str, now: dt.datetime) -> int:
    ids = [alert.pk for alert in alerts]
    return StockAlert.objects.filter(pk__in=ids, status__in=OPEN_ALERT_STATUSES).update(
        status=status, ended_at=now
    )


@transaction.atomic
def stock_alert_end(*, user: User, public_id: str) -> StockAlert:
    """The shopper ends one of their alerts from their account; ending twice is harmless."""
    alert = (
        StockAlert.objects.select_for_update()
        .filter(user=user, public_id=public_id)
        .select_related("store", "variant", "variant__product")
        .first()
    )
    if alert is None:
        raise AlertLinkInvalid(_("This alert was not found."))
    if alert.is_open:
        _close([alert], AlertStatus.ENDED, timezone.now())
        alert.refresh_from_db()
    return alert


@transaction.atomic
def stock_alert_end_by_token(*, token: str) -> StockAlert:
    """The unsubscribe link of an alert's e-mail (works without login); ending twice is harmless."""
    found = stock_alert_from_token(token=token, purpose="end")
    alert = StockAlert.objects.select_for_update().get(pk=found.pk)
    if alert.is_open:
        _close([alert], AlertStatus.ENDED, timezone.now())
    return StockAlert.objects.select_related("store", "variant", "variant__product").get(
        pk=alert.pk
    )


# --- the trigger -----------------------------------------------------------------------------


def stock_alerts_fire(*, store_id: int, variant_ids: Iterable[int]) -> list[StockAlert]:
    """Send the store's active alerts for those of `variant_ids` that are now available.

    Called inside the transaction of every stock write that can raise availability, after the
    stock rows are locked; each alert is locked, marked sent and gets one notification, all in
    that transaction (the outbox sends after commit). Returns the alerts sent.
    """
    variant_ids = sorted(set(variant_ids))
    if not variant_ids:
        return []
    waiting = StockAlert.objects.filter(
        store_id=store_id, variant_id__in=variant_ids, status=AlertStatus.ACTIVE
    )
    if not waiting.exists():  # the common case: one cheap query
        return []
    available = [
        v for v, units in availability_at_store(store_id, variant_ids).items() if units > 0
    ]
    if not available:
        return []
    alerts = list(
        StockAlert.objects.select_for_update()
        .filter(store_id=store_id, variant_id__in=available, status=AlertStatus.ACTIVE)
        .order_by("pk")
    )
    if not alerts:
        return []
    now = timezone.now()
    StockAlert.objects.filter(pk__in=[a.pk for a in alerts]).update(
        status=AlertStatus.SENT, sent_at=now, ended_at=now
    )
    for alert in alerts:
        alert.status, alert.sent_at, alert.ended_at = AlertStatus.SENT, now, now
        notifications.stock_back_in_store(alert)
    return alerts


@transaction.atomic
def stock_alerts_lapse(*, now: dt.datetime | None = None) -> int:
    """Open alerts older than ALERT_LIFETIME and unconfirmed ones older than CONFIRM_WINDOW
    lapse. Safe to run twice. Returns how many lapsed."""
    now = now or timezone.now()
    return StockAlert.objects.filter(
        Q(status=AlertStatus.ACTIVE, created_at__lt=now - ALERT_LIFETIME)
        | Q(status=AlertStatus.PENDING, created_at__lt=now - CONFIRM_WINDOW)
    ).update(status=AlertStatus.LAPSED, ended_at=now)


# --- reads -------------------------------------------------------------------------------------


def stock_alerts_of(
    *, user: User, open_only: bool = False, with_address: bool = False
) -> list[StockAlert]:
    """The shopper's alerts, newest first; `with_address` adds those asked for without login
    with the account's address (for the data export and the erasure)."""
    mine = Q(user=user)
    if with_address and user.email:
        mine |= Q(user__isnull=True, email=user.email.lower())
    alerts = StockAlert.objects.filter(mine)
    if open_only:
        alerts = alerts.filter(status__in=OPEN_ALERT_STATUSES)
    return list(alerts.select_related("store", "variant", "variant__product"))


def stock_alert_open_for(*, user: User, store_id: int, variant_id: int) -> StockAlert | None:
    return StockAlert.objects.filter(
        user=user, store_id=store_id, variant_id=variant_id, status__in=OPEN_ALERT_STATUSES
    ).first()
