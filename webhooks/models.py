"""Outgoing webhooks: the endpoints staff register and the delivery outbox.

A delivery row is written in the same transaction as the change it announces (one per endpoint
that wants the event) and sent afterwards by a Celery task, signed with the endpoint's secret.
Deliveries with the same endpoint and subject key (e.g. one order) are sent one after the
other: the next waits until the one before is delivered or has failed for good.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def generate_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class EndpointStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    # Set by the deliveries: too many failed attempts in a row; a person resumes it.
    PAUSED = "paused", _("Paused after failures")
    DISABLED = "disabled", _("Switched off")


class WebhookEndpoint(models.Model):
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=80, default=generate_secret)
    events = models.JSONField(_("events"), default=list)
    store = models.ForeignKey(
        "stores.Store",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("store"),
        help_text=_("Only this store's events. Empty: every store's (head office only)."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=EndpointStatus.choices, default=EndpointStatus.ACTIVE
    )
    consecutive_failures = models.PositiveIntegerField(_("failed attempts in a row"), default=0)
    paused_at = models.DateTimeField(_("paused"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EndpointStatus.values), name="webhook_endpoint_status_valid"
            ),
        ]

    def __str__(self):
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Being sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


UNFINISHED = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


class WebhookDelivery(models.Model):
    public_id = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    event = models.CharField(_("event"), max_length=50)
    # The same for every endpoint and every replay of one event: receivers drop duplicates by it.
    event_id = models.UUIDField(_("event id"), db_index=True)
    subject_key = models.CharField(_("subject"), max_length=100)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_status = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    replay_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replays",
        verbose_name=_("replay of"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="webhook_delivery_status_valid"
            ),
        ]
        indexes = [
            # "Is an earlier delivery of this subject still unfinished?" and the next in line.
            models.Index(
                fields=["endpoint", "subject_key", "status"], name="webhook_delivery_queue"
            ),
            # The sweep.
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_sweep"),
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint} ({self.status})"
