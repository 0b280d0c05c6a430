"""The notification outbox.

A row is written in the same transaction as the change that causes it (an order placed, a
return received, ...) and sent afterwards by a Celery task. One row per kind, subject, channel
and recipient, enforced by the database, so a repeated transition or a re-run job never sends
anything twice.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    IN_APP = "in_app", _("In the account")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    # Handed to the channel, outcome not recorded yet; left so for long, its fate is unknown
    # and the sweep decides (notifications.services._decide_unknown_fates).
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class NotificationQuerySet(models.QuerySet):
    def inbox(self, user):
        """The in-app messages a user can read: delivered ones, newest first."""
        return self.filter(
            recipient=user, channel=Channel.IN_APP, status=NotificationStatus.SENT
        ).order_by("-created_at", "-id")

    def unread(self):
        return self.filter(read_at__isnull=True)

    def stale(self, before):
        """Pending rows nobody has tried since `before`: their task was lost or never queued."""
        return self.filter(status=NotificationStatus.PENDING, created_at__lt=before).filter(
            Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lt=before)
        )


class Notification(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=50, db_index=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
        help_text=_("Empty for an address that belongs to no account, e.g. a store's mailbox."),
    )
    recipient_email = models.EmailField(_("recipient e-mail"), blank=True)
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("about (type)")
    )
    subject_id = models.CharField(_("about (id)"), max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    context = models.JSONField(
        _("extra context"),
        default=dict,
        blank=True,
        help_text=_("Values the caller passed for the templates, besides the subject."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    title = models.CharField(
        _("title"), max_length=255, blank=True, help_text=_("The subject line as sent.")
    )
    body = models.TextField(_("text"), blank=True, help_text=_("The in-app text as shown."))
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A recipient is an account or, without one, an address; one row per
            # (kind, subject, channel, recipient) either way. Two partial constraints because
            # NULLs never collide in a plain unique constraint.
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id", "channel", "recipient"],
                condition=Q(recipient__isnull=False),
                name="notification_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id", "channel", "recipient_email"],
                condition=Q(recipient__isnull=True),
                name="notification_once_per_address",
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(recipient_email=""),
                name="notification_has_recipient",
            ),
            models.CheckConstraint(
                condition=~Q(channel=Channel.EMAIL) | ~Q(recipient_email=""),
                name="notification_email_has_address",
            ),
            models.CheckConstraint(
                condition=~Q(channel=Channel.IN_APP) | Q(recipient__isnull=False),
                name="notification_in_app_has_account",
            ),
            models.CheckConstraint(
                condition=Q(status__in=NotificationStatus.values),
                name="notification_status_valid",
            ),
        ]
        indexes = [
            # The messages page and the unread count in the header.
            models.Index(
                fields=["recipient", "channel", "status", "read_at"], name="notification_inbox"
            ),
            # The sweep over pending rows.
            models.Index(fields=["status", "created_at"], name="notification_status_created"),
            models.Index(fields=["subject_type", "subject_id"], name="notification_subject"),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient_email or self.recipient_id} ({self.channel})"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
