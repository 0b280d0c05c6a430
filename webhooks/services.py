"""Queueing webhook deliveries with the change they announce, and sending them in order.

`webhook_event_queue()` runs inside the caller's transaction: a delivery row per endpoint that
wants the event exists if and only if the change is committed. The send task is queued on
commit (one attempt, short timeouts, like the notifications outbox); what could not be queued
stays pending and `webhooks_requeue_stale()` (beat) queues it later.

Sending: the row goes from pending to sending (committed), the request is made, the outcome is
saved. A delivery waits while an earlier delivery of the same endpoint and subject key (one
order, one return, ...) is unfinished; when that one is delivered or has failed for good, the
next in line is queued. A failed attempt is tried again after 1, 2, 4, ... minutes (at most
`WEBHOOKS_RETRY_MAX_DELAY_SECONDS` apart) until `WEBHOOKS_RETRY_FOR_HOURS` after the event;
then the delivery is failed. `WEBHOOKS_PAUSE_AFTER_FAILURES` failed attempts in a row pause the
endpoint and its store's managers and the superusers are told.
"""

import datetime as dt
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.broker import publish

from .errors import UnknownWebhookEvent, WebhookReplayRefused, WebhookUrlRefused
from .events import EVENTS, get_event
from .models import (
    UNFINISHED,
    DeliveryStatus,
    EndpointStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
from .selectors import VERSION_KEY, webhook_event_wanted
from .sending import checked_target, post_pinned
from .signing import signature_header

logger = logging.getLogger(__name__)

USER_AGENT = "Omnishop-Webhooks/1"


# --- endpoints -------------------------------------------------------------------------------


def _subscriptions_version_replace() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def webhook_subscriptions_changed() -> None:
    """Forget the cached "which events are wanted" (`webhooks.selectors`): at once, so this
    transaction reads its own change, and again after commit, because another process may have
    cached what it read before the commit. Called when an endpoint is saved, deleted or resumed.
    """
    _subscriptions_version_replace()
    transaction.on_commit(_subscriptions_version_replace, robust=True)


def webhook_url_check(*, url: str) -> str:
    """The URL as it will be called, or WebhookUrlRefused saying why not: http(s) only, a host,
    no user or password in it, a host name that resolves, and (unless
    `WEBHOOKS_ALLOW_PRIVATE_HOSTS`) no loopback, private or link-local address."""
    return checked_target(url=url).url


def webhook_events_check(*, events: Iterable[str]) -> list[str]:
    """The events as a sorted list without duplicates; an unknown name is UnknownWebhookEvent."""
    events = sorted(set(events))
    unknown = [code for code in events if code not in EVENTS]
    if unknown:
        raise UnknownWebhookEvent(
            _("Unknown event(s): %(names)s.") % {"names": ", ".join(unknown)}, reasons=unknown
        )
    if not events:
        raise UnknownWebhookEvent(_("Choose at least one event."))
    return events


@dataclass(frozen=True)
class PingResult:
    ok: bool
    status: int | None
    error: str
    seconds: float


def webhook_endpoint_ping(*, endpoint: WebhookEndpoint) -> PingResult:
    """Send a signed `ping` event to the endpoint now and report what it answered (admin
    action). Nothing is stored; the endpoint's failure count is not touched."""
    body = _body(
        {
            "id": str(uuid.uuid4()),
            "event": "ping",
            "created_at": timezone.now(),
            "store": endpoint.store_id,
            "data": {"endpoint": endpoint.name},
        }
    )
    started = time.monotonic()
    status, error = _post(
        url=endpoint.url,
        secret=endpoint.secret,
        event="ping",
        delivery_id=str(uuid.uuid4()),
        body=body,
    )
    ok = status is not None and 200 <= status < 300
    return PingResult(ok, status, error, time.monotonic() - started)


@transaction.atomic
def webhook_endpoints_resume(*, endpoint_ids: Iterable[int]) -> int:
    """Make paused (or switched-off) endpoints active again and send what waited for them."""
    ids = list(
        WebhookEndpoint.objects.select_for_update()
        .filter(pk__in=list(endpoint_ids))
        .exclude(status=EndpointStatus.ACTIVE)
        .values_list("pk", flat=True)
    )
    WebhookEndpoint.objects.filter(pk__in=ids).update(
        status=EndpointStatus.ACTIVE, consecutive_failures=0, paused_at=None
    )
    if ids:
        webhook_subscriptions_changed()  # a switched-off endpoint wants events again
    waiting = WebhookDelivery.objects.filter(endpoint_id__in=ids, status=DeliveryStatus.PENDING)
    waiting.update(next_attempt_at=timezone.now())
    heads = _heads(waiting)
    transaction.on_commit(partial(enqueue, delivery_ids=heads), robust=True)
    return len(ids)


# --- queueing --------------------------------------------------------------------------------


def _json_ready(value: Any) -> Any:
    """Decimals, dates and UUIDs as the JSON body will carry them (strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _body(envelope: dict[str, Any]) -> bytes:
    return json.dumps(envelope, cls=DjangoJSONEncoder, ensure_ascii=False).encode()


def webhook_event_queue(
    *,
    event: str,
    subject_key: str,
    payload: dict[str, Any] | Callable[[], dict[str, Any]],
    store_id: int | None = None,
    queue: bool = True,
) -> list[WebhookDelivery]:
    """Write one pending delivery of `event` per endpoint that wants it, and queue them on
    commit (with `queue=False` the caller hands them to `enqueue` after commit itself; what is
    never handed over the sweep sends). Call it inside the transaction of the change it
    announces.

    `subject_key` orders the deliveries ("order:<number>": one order's events arrive in the
    order they happened). `store_id` is the store the event belongs to: endpoints of another
    store do not get it; head-office endpoints (no store) get every event. `payload` may be
    a function that builds it, called only when some endpoint wants the event. Whether any
    endpoint wants it is answered from the cache (`webhooks.selectors`): no query when none
    does. Returns the rows.
    """

    def one() -> Iterator[tuple[str, dict[str, Any]]]:
        yield subject_key, payload() if callable(payload) else payload

    return webhook_events_queue(event=event, subjects=one, store_id=store_id, queue=queue)


def webhook_events_queue(
    *,
    event: str,
    subjects: Callable[[], Iterable[tuple[str, dict[str, Any]]]],
    store_id: int | None = None,
    batch_size: int = 1000,
    queue: bool = True,
) -> list[WebhookDelivery]:
    """The same for many events of one kind at once (a catalogue feed changing thousands of
    products): `subjects()` yields (subject key, data) per event and is called only when some
    endpoint wants the event. The endpoints are read once, the rows are written with bulk
    inserts of `batch_size`, and they are queued after commit in batches (one task per
    `SEND_BATCH` deliveries). Returns the rows."""
    get_event(event)
    if not webhook_event_wanted(event=event, store_id=store_id):
        return []
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.exclude(status=EndpointStatus.DISABLED).filter(
            Q(store__isnull=True) | Q(store_id=store_id)
        )
        if event in endpoint.events
    ]
    if not endpoints:
        return []
    now = timezone.now()
    rows: list[WebhookDelivery] = []
    for subject_key, data in subjects():
        if not subject_key or len(subject_key) > 100:
            raise ValueError(f"subject_key must be 1 to 100 characters: {subject_key!r}")
        event_id = uuid.uuid4()
        envelope = _json_ready(
            {"id": event_id, "event": event, "created_at": now, "store": store_id, "data": data}
        )
        rows.extend(
            WebhookDelivery(
                endpoint=endpoint,
                event=event,
                event_id=event_id,
                subject_key=subject_key,
                payload=envelope,
                next_attempt_at=now,
            )
            for endpoint in endpoints
        )
    if not rows:
        return []
    with transaction.atomic(savepoint=False):
        created = WebhookDelivery.objects.bulk_create(rows, batch_size=batch_size)
        if queue:
            ids = [row.pk for row in created]
            transaction.on_commit(
                partial(enqueue, delivery_ids=ids, batch=send_batch(ids)), robust=True
            )
    return created


SEND_BATCH = 100  # deliveries per task when many are queued at once


def send_batch(delivery_ids: Sequence[int]) -> int:
    """The `batch` for `enqueue`: one task per delivery, unless there are many."""
    return 1 if len(delivery_ids) <= SEND_BATCH else SEND_BATCH


def enqueue(*, delivery_ids: Sequence[int], countdown: float | None = None, batch: int = 1) -> int:
    """Hand deliveries to the broker (`core.broker.publish`: one attempt, short timeouts, never
    raises); returns how many were queued. What is not queued stays pending for the sweep.
    With `batch` > 1 one task sends that many deliveries one after the other."""
    from .tasks import send_webhook, send_webhooks

    if not delivery_ids:
        return 0
    if batch > 1:
        chunks = [list(delivery_ids[i : i + batch]) for i in range(0, len(delivery_ids), batch)]
        sent, error = publish(send_webhooks, [(chunk,) for chunk in chunks], countdown=countdown)
        queued = sum(len(chunk) for chunk in chunks[:sent])
    else:
        queued, error = publish(send_webhook, [(pk,) for pk in delivery_ids], countdown=countdown)
    if error is not None:
        logger.warning(
            "Broker unreachable, %d webhook delivery(ies) stay pending for the sweep (%s)",
            len(delivery_ids) - queued,
            error,
        )
    return queued


def _heads(deliveries: Any) -> list[int]:
    """Of these deliveries, the first unfinished one per (endpoint, subject key)."""
    first: dict[tuple[int, str], int] = {}
    for pk, endpoint_id, key in (
        WebhookDelivery.objects.filter(
            pk__in=deliveries.values("pk"), status=DeliveryStatus.PENDING
        )
        .order_by("pk")
        .values_list("pk", "endpoint_id", "subject_key")
    ):
        first.setdefault((endpoint_id, key), pk)
    heads = []
    for pk in first.values():
        delivery = WebhookDelivery.objects.get(pk=pk)
        if not _earlier_unfinished(delivery).exists():
            heads.append(pk)
    return heads


def _earlier_unfinished(delivery: WebhookDelivery) -> Any:
    return WebhookDelivery.objects.filter(
        endpoint_id=delivery.endpoint_id,
        subject_key=delivery.subject_key,
        status__in=UNFINISHED,
        pk__lt=delivery.pk,
    )


def _next_in_line(delivery: WebhookDelivery) -> int | None:
    """The next pending delivery of the same endpoint and subject key, if it may go now."""
    return (
        WebhookDelivery.objects.filter(
            endpoint_id=delivery.endpoint_id,
            subject_key=delivery.subject_key,
            status=DeliveryStatus.PENDING,
            endpoint__status=EndpointStatus.ACTIVE,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


# --- sending ---------------------------------------------------------------------------------


def _post(
    *, url: str, secret: str, event: str, delivery_id: str, body: bytes
) -> tuple[int | None, str]:
    """POST the body signed; returns (HTTP status or None, error text). The host is looked up
    and checked once and the connection goes to that checked address (`webhooks.sending`), so
    a name that resolves elsewhere the second time cannot redirect it inside our network."""
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Omnishop-Event": event,
        "X-Omnishop-Delivery": delivery_id,
        "X-Omnishop-Signature": signature_header(secret=secret, timestamp=timestamp, body=body),
    }
    try:
        target = checked_target(url=url)
    except WebhookUrlRefused as exc:
        return None, str(exc)
    return post_pinned(target=target, body=body, headers=headers, timeout=settings.WEBHOOKS_TIMEOUT)


def _claim(delivery_id: int) -> WebhookDelivery | None:
    """Mark a pending delivery as being sent and commit that, when it may go now: its endpoint
    is active and no earlier delivery of its subject is unfinished."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if delivery is None or delivery.endpoint.status != EndpointStatus.ACTIVE:
            return None
        if _earlier_unfinished(delivery).exists():
            return None  # queued again when the one before it is finished
        delivery.status = DeliveryStatus.SENDING
        delivery.attempts += 1
        delivery.last_attempt_at = timezone.now()
        delivery.save(update_fields=["status", "attempts", "last_attempt_at"])
    return delivery


def retry_delay(attempts: int) -> float:
    """Seconds before attempt `attempts + 1`: base × 2^(attempts − 1), at most the cap."""
    base = settings.WEBHOOKS_RETRY_BASE_SECONDS
    return float(min(base * 2 ** max(attempts - 1, 0), settings.WEBHOOKS_RETRY_MAX_DELAY_SECONDS))


def webhook_deliver(*, delivery_id: int) -> str | None:
    """Send one delivery if it may go now and return its new status (None: not sent now).

    Call it outside a transaction: the claim is committed before the request is made.
    """
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    endpoint = delivery.endpoint
    try:
        url = webhook_url_check(url=endpoint.url)
    except WebhookUrlRefused as exc:
        status, error = None, str(exc)
    else:
        status, error = _post(
            url=url,
            secret=endpoint.secret,
            event=delivery.event,
            delivery_id=str(delivery.public_id),
            body=_body(delivery.payload),
        )
    ok = status is not None and 200 <= status < 300
    now = timezone.now()
    paused = False
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        delivery.response_status = status
        if ok:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = now
            delivery.last_error = ""
            delivery.next_attempt_at = None
            endpoint.consecutive_failures = 0
        else:
            delivery.last_error = error or f"HTTP {status}"
            endpoint.consecutive_failures += 1
            give_up_at = delivery.created_at + dt.timedelta(hours=settings.WEBHOOKS_RETRY_FOR_HOURS)
            next_at = now + dt.timedelta(seconds=retry_delay(delivery.attempts))
            if next_at > give_up_at:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
                logger.error("Webhook delivery %s failed for good: %s", delivery.pk, error)
            else:
                delivery.status = DeliveryStatus.PENDING
                delivery.next_attempt_at = next_at
            if (
                endpoint.status == EndpointStatus.ACTIVE
                and endpoint.consecutive_failures >= settings.WEBHOOKS_PAUSE_AFTER_FAILURES
            ):
                endpoint.status = EndpointStatus.PAUSED
                endpoint.paused_at = now
                paused = True
        delivery.save(
            update_fields=[
                "status",
                "response_status",
                "last_error",
                "next_attempt_at",
                "delivered_at",
            ]
        )
        # Only a pause touches the status (and so the cached subscriptions, see signals).
        endpoint.save(
            update_fields=["consecutive_failures", *(("status", "paused_at") if paused else ())]
        )
        if paused:
            from .notifications import notify_endpoint_paused

            logger.error("Webhook endpoint %s paused after failures", endpoint.pk)
            notify_endpoint_paused(endpoint)
    if delivery.status == DeliveryStatus.PENDING:
        if not paused:
            enqueue(delivery_ids=[delivery.pk], countdown=retry_delay(delivery.attempts))
    else:
        following = _next_in_line(delivery)
        if following is not None:
            enqueue(delivery_ids=[following])
    return delivery.status


def webhooks_requeue_stale(
    *, older_than: dt.timedelta | None = None, unknown_after: dt.timedelta | None = None
) -> int:
    """The sweep (beat): queue pending deliveries of active endpoints whose attempt is overdue
    (a lost task, the broker was down at commit), and put back to pending what has been
    "sending" for longer than a task may run (the worker died; receivers drop a duplicate by
    the event id). Returns how many were queued."""
    if older_than is None:
        older_than = dt.timedelta(minutes=settings.WEBHOOKS_STALE_AFTER_MINUTES)
    if unknown_after is None:
        unknown_after = dt.timedelta(minutes=settings.NOTIFICATIONS_UNKNOWN_FATE_AFTER_MINUTES)
    now = timezone.now()
    WebhookDelivery.objects.filter(
        status=DeliveryStatus.SENDING, last_attempt_at__lt=now - unknown_after
    ).update(
        status=DeliveryStatus.PENDING,
        next_attempt_at=now,
        last_error="The worker stopped during the attempt; sent again.",
    )
    overdue = WebhookDelivery.objects.filter(
        status=DeliveryStatus.PENDING,
        endpoint__status=EndpointStatus.ACTIVE,
        next_attempt_at__lte=now - older_than,
    ).order_by("pk")[: settings.NOTIFICATIONS_SWEEP_BATCH]
    ids = _heads(WebhookDelivery.objects.filter(pk__in=list(overdue.values_list("pk", flat=True))))
    if ids:
        logger.info("Re-queueing %d stale webhook delivery(ies)", len(ids))
    return enqueue(delivery_ids=ids)


@transaction.atomic
def webhook_deliveries_replay(*, delivery_ids: Iterable[int], actor: User) -> list[int]:
    """Send finished deliveries again (admin action): a new delivery each, same event id and
    body, queued behind anything still unfinished for its subject. Returns the new rows' ids."""
    originals = list(
        WebhookDelivery.objects.filter(
            pk__in=list(delivery_ids),
            status__in=(DeliveryStatus.DELIVERED, DeliveryStatus.FAILED),
        )
        .exclude(endpoint__status=EndpointStatus.DISABLED)
        .order_by("pk")
    )
    if not originals:
        raise WebhookReplayRefused(
            _("Only delivered or failed deliveries of endpoints that are on can be sent again.")
        )
    now = timezone.now()
    created = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint_id=original.endpoint_id,
            event=original.event,
            event_id=original.event_id,
            subject_key=original.subject_key,
            payload=original.payload,
            replay_of=original,
            next_attempt_at=now,
        )
        for original in originals
    )
    ids = [row.pk for row in created]
    logger.info("Webhook deliveries %s replayed by user %s", [o.pk for o in originals], actor.pk)
    transaction.on_commit(partial(enqueue, delivery_ids=ids), robust=True)
    return ids
