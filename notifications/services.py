"""Writing notifications to the outbox and delivering them, each exactly once.

`notify()` runs inside the caller's transaction: the rows exist if and only if the change that
caused them is committed. The send task is queued on commit; if the broker cannot be reached
the rows simply stay pending and `notifications_requeue_stale()` (a periodic job) queues them
later. Delivery locks the row and skips anything not pending, so a task that runs twice, or
a sweep that overlaps a retry, still sends once.
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
from kombu.exceptions import OperationalError

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
    kind = kind if isinstance(kind, Kind) else get_kind(kind)
    subject_type = ContentType.objects.get_for_model(subject)
    rows = [
        Notification(
            kind=kind.code,
            channel=channel,
            recipient=recipient.user,
            recipient_email=recipient.address,
            subject_type=subject_type,
            subject_id=str(subject.pk),
            language=recipient.resolved_language(),
            context=context or {},
        )
        for recipient in recipients
        for channel in _channels_for(kind, recipient, subject)
    ]
    with transaction.atomic(savepoint=False):
        created = _insert_new(rows)
        if created:
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


def _key(
    channel: str, recipient_id: int | None, recipient_email: str
) -> tuple[str, int | None, str]:
    """What makes a notification unique besides kind and subject (see the model's constraints)."""
    if recipient_id is not None:
        return (channel, recipient_id, "")
    return (channel, None, recipient_email)


_RETURNED = ("channel", "recipient", "recipient_email")  # with the id: enough to find the row


def _insert_new(rows: list[Notification]) -> list[Notification]:
    """Insert the rows whose (kind, subject, channel, recipient) is not notified yet, in one
    statement: INSERT … ON CONFLICT DO NOTHING (INSERT OR IGNORE on SQLite) RETURNING the rows
    it wrote. The unique constraints decide what exists, so a concurrent transaction that wrote
    one of them first wins (PostgreSQL makes this INSERT wait for it) and this one skips it;
    no savepoints, no read beforehand.
    """
    new: dict[tuple[str, int | None, str], Notification] = {}
    for row in rows:
        new.setdefault(_key(row.channel, row.recipient_id, row.recipient_email), row)
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
    """Hand notifications to the broker; returns how many were queued.

    Never raises for an unreachable broker: the rows stay pending and the sweep queues them
    once it is back. The publish retry policy in settings keeps this to about a second.
    """
    from .tasks import send_notification

    queued = 0
    for pk in notification_ids:
        try:
            send_notification.apply_async((pk,))
        except (OperationalError, OSError) as exc:
            logger.warning(
                "Broker unreachable, %d notification(s) stay pending for the sweep (%s)",
                len(notification_ids) - queued,
                exc,
            )
            break
        queued += 1
    return queued


# --- delivery ------------------------------------------------------------------------------


def notification_deliver(*, notification_id: int, final_attempt: bool = True) -> str | None:
    """Send one pending notification through its channel and return its new status.

    The row stays locked while it is sent, so two workers never send it both; anything not
    pending (sent, failed, deleted) is skipped and None returned. A transient error (mail server
    says 4xx, connection refused) raises TransientDeliveryError after the attempt is recorded,
    unless this is the final attempt: then, as for every permanent error, the notification is
    marked failed with the reason.
    """
    retry_error: TransientDeliveryError | None = None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, status=NotificationStatus.PENDING)
            .first()
        )
        if notification is None:
            return None
        notification.attempts += 1
        notification.last_attempt_at = timezone.now()
        try:
            CHANNELS[notification.channel].send(notification)
        except TransientDeliveryError as exc:
            notification.last_error = str(exc)
            if final_attempt:
                notification.status = NotificationStatus.FAILED
                logger.error("Notification %s failed for good: %s", notification.pk, exc)
            else:
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
            notification.sent_at = notification.last_attempt_at
            notification.last_error = ""
        notification.save()
    if retry_error is not None:
        raise retry_error
    return notification.status


def notifications_requeue_stale(*, older_than: dt.timedelta | None = None) -> int:
    """Queue again what has been pending for too long (lost task, broker down at commit)."""
    if older_than is None:
        older_than = dt.timedelta(minutes=settings.NOTIFICATIONS_STALE_AFTER_MINUTES)
    ids = list(
        Notification.objects.stale(timezone.now() - older_than)
        .order_by("created_at")
        .values_list("pk", flat=True)[: settings.NOTIFICATIONS_SWEEP_BATCH]
    )
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
