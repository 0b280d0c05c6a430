"""The customer's copy of their data (DSGVO Art. 15/20): requested on the account page, built by
a Celery task (`customers.tasks.build_data_export`), announced in-app and by e-mail with a signed
link that only the owner, logged in, can open until it expires."""

import datetime as dt
import json
import logging
from functools import partial

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User

from ..errors import ExportNotAvailable, ExportTooSoon
from ..models import DataExport, ExportStatus
from ..notifications import notify_export_ready
from ..selectors import customer_data

logger = logging.getLogger(__name__)

EXPORT_VALID_FOR = dt.timedelta(days=7)
EXPORTS_PER_DAY = 3
_SALT = "customers.data-export"


def export_token(*, export: DataExport) -> str:
    return signing.dumps({"e": str(export.public_id), "u": export.user_id}, salt=_SALT)


def _queue(export_id: int) -> None:
    """Publish the build once with short timeouts; a broker that is down leaves the export
    pending and the account page offers to ask again."""
    from ..tasks import build_data_export

    timeout = settings.NOTIFICATIONS_PUBLISH_TIMEOUT
    try:
        with build_data_export.app.connection_for_write(
            connect_timeout=timeout,
            transport_options={
                "max_retries": 0,
                "socket_connect_timeout": timeout,
                "socket_timeout": timeout,
            },
        ) as connection:
            build_data_export.apply_async((export_id,), connection=connection, retry=False)
    except Exception as exc:  # broker down or hung: the export stays pending
        logger.warning("Data export %s not queued: %r", export_id, exc)


def data_export_request(*, user: User) -> DataExport:
    """Ask for a new export; an export still being prepared is returned instead of a second one.
    At most EXPORTS_PER_DAY a day (ExportTooSoon)."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        pending = DataExport.objects.filter(user=user, status=ExportStatus.PENDING).first()
        if pending is not None:
            transaction.on_commit(partial(_queue, pending.pk), robust=True)
            return pending
        since = timezone.now() - dt.timedelta(days=1)
        if DataExport.objects.filter(user=user, created_at__gte=since).count() >= EXPORTS_PER_DAY:
            raise ExportTooSoon(
                _("You have asked for your data %(n)d times today; please try again tomorrow.")
                % {"n": EXPORTS_PER_DAY}
            )
        export = DataExport.objects.create(user=user)
        transaction.on_commit(partial(_queue, export.pk), robust=True)
    return export


def data_export_build(*, export_id: int) -> DataExport | None:
    """Build a pending export and tell the owner; safe to run twice (a built one is skipped)."""
    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update()
            .select_related("user")
            .filter(pk=export_id, status=ExportStatus.PENDING)
            .first()
        )
        if export is None:
            return None
        with translation.override(export.user.language or settings.LANGUAGE_CODE):
            data = customer_data(user=export.user)
        data["exported_at"] = timezone.now().isoformat()
        export.content = json.dumps(data, ensure_ascii=False, indent=2)
        export.status = ExportStatus.READY
        export.finished_at = timezone.now()
        export.expires_at = export.finished_at + EXPORT_VALID_FOR
        export.save(update_fields=["content", "status", "finished_at", "expires_at"])
        notify_export_ready(export)
    return export


def data_export_for_download(*, user: User, token: str) -> DataExport:
    """The export a signed link points to, if `user` owns it and it has not expired."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=EXPORT_VALID_FOR + dt.timedelta(days=1))
    except signing.BadSignature:
        raise ExportNotAvailable(_("This download link is not valid.")) from None
    export = DataExport.objects.filter(public_id=payload.get("e"), user_id=payload.get("u")).first()
    if export is None or export.user_id != user.pk:
        raise ExportNotAvailable(_("This download link is not valid."))
    if export.status != ExportStatus.READY or not export.expires_at:
        raise ExportNotAvailable(_("This export is not ready yet."))
    if export.expires_at <= timezone.now():
        raise ExportNotAvailable(_("This download link has expired; please ask for a new export."))
    return export


STALE_AFTER = dt.timedelta(minutes=5)


def data_exports_sweep(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """The periodic job: build exports still pending after STALE_AFTER (their task was lost or
    the broker was down), delete expired ones (their content is a copy of personal data).
    Returns (built, deleted)."""
    now = now or timezone.now()
    stale = DataExport.objects.filter(status=ExportStatus.PENDING, created_at__lt=now - STALE_AFTER)
    built = sum(1 for pk in stale.values_list("pk", flat=True) if data_export_build(export_id=pk))
    deleted, _per_model = DataExport.objects.filter(expires_at__lte=now).delete()
    return built, deleted
