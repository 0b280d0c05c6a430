"""Writing notifications to the outbox and delivering them, each exactly once.

`notify()` runs inside the caller's transaction: the rows exist if and only if the change that
caused them is committed. The send task is queued on commit; if the broker cannot be reached
the rows simply stay pending and `notifications_requeue_stale()` (a periodic job) queues them
later. Delivery first marks the row "sending" and commits that, then talks to the mail server,
then records the outcome; anything not pending is skipped, so a task that runs twice, or a
sweep that overlaps a retry, still sends once. A send whose fate is unknown (the worker died
between the two commits) is decided by the sweep: sent again with the same Message-ID, so mail
systems drop the duplicate (see `_decide_unknown_fates`).
"""

import datetime as dt
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connections, router, transaction
from django.db.models import Model, sql
from django.db.models.constants import OnConflict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.broker import publish

from .channels import CHANNELS
from .errors import PermanentDeliveryError, TransientDeliveryError
from .kinds import Kind, get_kind
from .models import Channel, Notification, NotificationStatus

if TYPE_CHECKING:
    # notifications imports no other app of ours, accounts included: django-stubs resolves this
    # alias to AUTH_USER_MODEL (accounts.User).
    from django.contrib.auth.models import _User

logger = logging.getLogger(__name__)


class NotificationError(Exception):
    """A notification change that cannot be made; the message is meant for a person."""


@dataclass(frozen=True)
class Recipient:
    """Who gets a notification: an account, an address, or both.

    `channels` narrows the kind's channels for this recipient (store staff get in-app only,
    a store's mailbox e-mail only). `language` defaults to the account's language.
    """

    user: "_User | None" = None
    email: str = ""
    language: str = ""
    channels: tuple[str, ...] | None = None

    @property
    def address(self) -> str:
        return self.email or getattr(self.user, "email", "")

    def resolved_language(self) -> str:
        """The given language, else the account's, else the shop's ("en-gb" counts as "en")."""
        for candidate in (self.language, getattr(self.user, "language", "")):
            try:
                return translation.get_supported_language_variant(candidate or "")
            except LookupError:
                continue
        return settings.LANGUAGE_CODE


def usable_email(*, address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


@dataclass(frozen=True)
class Notice:
    """What one `notify` call announces: a kind, about a subject, to some recipients."""

    kind: str | Kind
    subject: Model
    recipients: Iterable[Recipient]
    context: dict[str, Any] | None = None


def notify(
    *,
    kind: str | Kind,
    subject: Model,
    recipients: Iterable[Recipient],
    context: dict[str, Any] | None = None,
) -> list[Notification]:
    """Write one pending notification per recipient and channel, and queue them on commit.

    Call it inside the transaction of the change it announces. A (kind, subject, channel,
    recipient) that was already notified is skipped, so calling it twice is harmless. A
    recipient without a usable e-mail address gets the in-app message only. Returns the rows
    created by this call.
    """
    return notify_all(notices=[Notice(kind, subject, recipients, context)])


def notify_all(*, notices: Iterable[Notice], queue: bool = True) -> list[Notification]:
    """`notify` for several notices with one INSERT and one hand-over to the broker. With
    `queue=False` nothing is queued: the caller hands the rows over after commit itself (one
    task for all that an event caused, say); until then they are pending like any other, and
    the sweep sends whatever is never handed over."""
    rows = []
    for notice in notices:
        kind = notice.kind if isinstance(notice.kind, Kind) else get_kind(notice.kind)
        subject_type = ContentType.objects.get_for_model(notice.subject)
        rows += [
            Notification(
                kind=kind.code,
                channel=channel,
                recipient=recipient.user,
                recipient_email=recipient.address,
                subject_type=subject_type,
                subject_id=str(notice.subject.pk),
                language=recipient.resolved_language(),
                context=notice.context or {},
            )
            for recipient in notice.recipients
            for channel in _channels_for(kind, recipient, notice.subject)
        ]
    with transaction.atomic(savepoint=False):
        created = _insert_new(rows)
        if created and queue:
            transaction.on_commit(
                partial(enqueue, notification_ids=[n.pk for n in created]), robust=True
            )
    return created


def _channels_for(kind: Kind, recipient: Recipient, subject: Model) -> list[str]:
    wanted = [c for c in kind.channels if recipient.channels is None or c in recipient.channels]
    channels = []
    for channel in wanted:
        if channel == Channel.EMAIL and not usable_email(address=recipient.address):
            logger.warning(
                "No usable e-mail address (%r) for %s about %r to user %s: %s",
                recipient.address,
                kind.code,
                subject,
                getattr(recipient.user, "pk", None),
                "in-app only" if Channel.IN_APP in wanted and recipient.user else "not sent",
            )
            continue
        if channel == Channel.IN_APP and recipient.user is None:
            continue
        channels.append(channel)
    return channels


_Key = tuple[str, int, str, str, int | None, str]


def _key(
    kind: str,
    subject_type_id: int,
    subject_id: str,
    channel: str,
    recipient_id: int | None,
    recipient_email: str,
) -> _Key:
    """What makes a notification unique (see the model's constraints)."""
    if recipient_id is not None:
        recipient_email = ""
    return (kind, subject_type_id, subject_id, channel, recipient_id, recipient_email)


# With the id: enough to find the row.
_RETURNED = ("kind", "subject_type", "subject_id", "channel", "recipient", "recipient_email")


def _insert_new(rows: list[Notification]) -> list[Notification]:
    """Insert the rows whose (kind, subject, channel, recipient) is not notified yet, in one
    statement: INSERT … ON CONFLICT DO NOTHING (INSERT OR IGNORE on SQLite) RETURNING the rows
    it wrote. The unique constraints decide what exists, so a concurrent transaction that wrote
    one of them first wins (PostgreSQL makes this INSERT wait for it) and this one skips it;
    no savepoints, no read beforehand.
    """
    new: dict[_Key, Notification] = {}
    for row in rows:
        new.setdefault(
            _key(
                row.kind,
                row.subject_type_id,
                row.subject_id,
                row.channel,
                row.recipient_id,
                row.recipient_email,
            ),
            row,
        )
    if not new:
        return []
    meta = Notification._meta
    query = sql.InsertQuery(Notification, on_conflict=OnConflict.IGNORE)
    query.insert_values([f for f in meta.concrete_fields if not f.primary_key], list(new.values()))
    db = router.db_for_write(Notification)
    compiler = query.get_compiler(using=db)
    compiler.returning_fields = [meta.pk, *map(meta.get_field, _RETURNED)]
    [(statement, params)] = compiler.as_sql()
    with connections[db].cursor() as cursor:
        cursor.execute(statement, params)
        written = cursor.fetchall()
    created = []
    for pk, *key in written:
        row = new[_key(*key)]
        row.pk = pk
        row._state.adding, row._state.db = False, db
        created.append(row)
    return created


def enqueue(*, notification_ids: Sequence[int]) -> int:
    """Hand notifications to the broker (`core.broker.publish`: never waits for a broker that
    is down, never raises); returns how many were queued. What could not be published stays
    pending and the sweep queues it once the broker is back."""
    from .tasks import send_notification

    if not notification_ids:
        return 0
    queued, error = publish(send_notification, [(pk,) for pk in notification_ids])
    if error is not None:
        logger.warning(
            "Broker unreachable, %d notification(s) stay pending for the sweep (%s)",
            len(notification_ids) - queued,
            error,
        )
    return queued


# --- delivery ------------------------------------------------------------------------------


def _claim(notification_id: int) -> Notification | None:
    """Mark a pending notification as being sent, and commit that before anything is sent.

    Only one caller can move a row from pending to sending, so two tasks for one notification
    (a duplicate, a redelivery after a killed worker) never both send it; a row left in
    "sending" (the worker died mid-send) is decided by the sweep, never by a redelivered task.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, status=NotificationStatus.PENDING)
            .first()
        )
        if notification is None:
            return None
        notification.status = NotificationStatus.SENDING
        notification.attempts += 1
        notification.last_attempt_at = timezone.now()
        notification.save(update_fields=["status", "attempts", "last_attempt_at"])
    return notification


def notification_deliver(*, notification_id: int, final_attempt: bool = True) -> str | None:
    """Send one pending notification through its channel and return its new status.

    Three steps: the row is marked "sending" and committed (`_claim`), the channel sends, the
    outcome is saved. Anything not pending (sending, sent, failed, deleted) is skipped and None
    returned. A transient error (mail server says 4xx, connection refused) puts the row back to
    pending and raises TransientDeliveryError after the attempt is recorded, unless this is the
    final attempt: then, as for every permanent error, the notification is marked failed with
    the reason. Call it outside a transaction, so that the mark is committed before the send.
    """
    notification = _claim(notification_id)
    if notification is None:
        return None
    retry_error: TransientDeliveryError | None = None
    try:
        CHANNELS[notification.channel].send(notification)
    except TransientDeliveryError as exc:
        notification.last_error = str(exc)
        if final_attempt:
            notification.status = NotificationStatus.FAILED
            logger.error("Notification %s failed for good: %s", notification.pk, exc)
        else:
            notification.status = NotificationStatus.PENDING
            retry_error = exc
            logger.warning("Notification %s will be retried: %s", notification.pk, exc)
    except PermanentDeliveryError as exc:
        notification.status = NotificationStatus.FAILED
        notification.last_error = str(exc)
        logger.error("Notification %s failed: %s", notification.pk, exc)
    except Exception as exc:  # a bug must not leave the row pending forever
        logger.exception("Notification %s failed unexpectedly", notification.pk)
        notification.status = NotificationStatus.FAILED
        notification.last_error = f"{type(exc).__name__}: {exc}"
    else:
        notification.status = NotificationStatus.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
    notification.save(update_fields=["status", "sent_at", "last_error", "title", "body", "link"])
    if retry_error is not None:
        raise retry_error
    return notification.status


UNKNOWN_FATE = (
    "Sending started at {started} but was never finished (worker stopped?); "
    "the message may or may not have been delivered."
)


def _decide_unknown_fates(*, started_before: dt.datetime) -> list[int]:
    """Rows left "sending" since before `started_before`: the worker died between starting the
    send and recording its outcome, so nobody knows whether the mail server took the message.

    Decision: send again, with the same Message-ID (receiving mail systems drop the duplicate;
    at worst the recipient sees the message twice, never not at all), as long as the row has
    attempts left; after `NOTIFICATIONS_MAX_RETRIES + 1` attempts it is marked failed for review
    in the admin (which can retry it). Returns the ids to queue again.
    """
    max_attempts = settings.NOTIFICATIONS_MAX_RETRIES + 1
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update()
            .filter(status=NotificationStatus.SENDING, last_attempt_at__lt=started_before)
            .order_by("pk")
            .values_list("pk", "attempts", "last_attempt_at")[: settings.NOTIFICATIONS_SWEEP_BATCH]
        )
        resend: list[int] = []
        give_up: list[int] = []
        for pk, attempts, started in rows:
            (resend if attempts < max_attempts else give_up).append(pk)
            logger.warning("Notification %s: %s", pk, UNKNOWN_FATE.format(started=started))
        if resend:
            Notification.objects.filter(pk__in=resend).update(
                status=NotificationStatus.PENDING,
                last_error=UNKNOWN_FATE.format(started="an earlier attempt")
                + " Sent again with the same Message-ID.",
            )
        if give_up:
            Notification.objects.filter(pk__in=give_up).update(
                status=NotificationStatus.FAILED,
                last_error=UNKNOWN_FATE.format(started="the last attempt")
                + " No attempts left: check before retrying.",
            )
    return resend


def notifications_requeue_stale(
    *, older_than: dt.timedelta | None = None, unknown_after: dt.timedelta | None = None
) -> int:
    """Queue again what has been pending for too long (lost task, broker down at commit), and
    decide on sends whose fate is unknown (left "sending" for longer than `unknown_after`, see
    `_decide_unknown_fates`). Returns how many were queued."""
    if older_than is None:
        older_than = dt.timedelta(minutes=settings.NOTIFICATIONS_STALE_AFTER_MINUTES)
    if unknown_after is None:
        unknown_after = dt.timedelta(minutes=settings.NOTIFICATIONS_UNKNOWN_FATE_AFTER_MINUTES)
    now = timezone.now()
    resend = _decide_unknown_fates(started_before=now - unknown_after)
    ids = list(
        Notification.objects.stale(now - older_than)
        .exclude(pk__in=resend)
        .order_by("created_at")
        .values_list("pk", flat=True)[: settings.NOTIFICATIONS_SWEEP_BATCH]
    )
    ids = resend + ids
    if ids:
        logger.info("Re-queueing %d stale notification(s)", len(ids))
    return enqueue(notification_ids=ids)


@transaction.atomic
def notifications_retry(*, notification_ids: Iterable[int]) -> int:
    """Give failed notifications another round of attempts (admin action); returns how many."""
    ids = list(
        Notification.objects.select_for_update()
        .filter(pk__in=list(notification_ids), status=NotificationStatus.FAILED)
        .values_list("pk", flat=True)
    )
    if not ids:
        raise NotificationError(_("Only failed notifications can be retried."))
    Notification.objects.filter(pk__in=ids).update(status=NotificationStatus.PENDING)
    transaction.on_commit(partial(enqueue, notification_ids=ids), robust=True)
    return len(ids)


def notifications_mark_read(
    *, user: "_User", public_ids: Iterable[uuid.UUID | str] | None = None
) -> int:
    """Mark the user's unread in-app messages read (all of them, or the given ones)."""
    qs = Notification.objects.inbox(user).unread()
    if public_ids is not None:
        qs = qs.filter(public_id__in=list(public_ids))
    return qs.update(read_at=timezone.now())
