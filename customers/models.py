"""The customer's rights and the staff's view of the whole customer.

- `MarketingConsent`: every grant and revocation of the marketing consent, with the wording
  shown and the time; the newest row is the current state, older rows are the history.
- `DataExport`: one requested copy of the customer's data (DSGVO Art. 15/20), built by a
  Celery task, downloadable by its owner until `expires_at`.
- `CustomerAccess`: every time staff open a customer in the customer 360 (who, when, which
  customer, from which page, at which store); the audit managers review and the customer's
  export includes. Searches are rows too (without the typed text): the rate limit counts them.
- `Erasure`: the record that an account was erased (Art. 17), by whom and why; it keeps no
  personal data of the erased person.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ConsentSource(models.TextChoices):
    ACCOUNT = "account", _("Account page")
    STAFF = "staff", _("Recorded by staff")
    ERASURE = "erasure", _("Account erased")


class MarketingConsent(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="marketing_consents",
        verbose_name=_("customer"),
    )
    granted = models.BooleanField(_("granted"))
    wording = models.TextField(_("wording shown"), blank=True)
    language = models.CharField(_("language"), max_length=8)
    source = models.CharField(_("where"), max_length=16, choices=ConsentSource.choices)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("marketing consent")
        verbose_name_plural = _("marketing consents")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"#{self.user_id}: {'+' if self.granted else '-'} {self.created_at:%Y-%m-%d %H:%M}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class DataExport(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="data_exports",
        verbose_name=_("customer"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    content = models.TextField(_("content (JSON)"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ExportStatus.values), name="dataexport_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.public_id} ({self.status})"


class AccessKind(models.TextChoices):
    SEARCH = "search", _("Search")
    OPEN = "open", _("Customer opened")


class CustomerAccess(models.Model):
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("staff"),
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customer_accesses",
        verbose_name=_("customer"),
    )
    store = models.ForeignKey(
        "stores.Store",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("store"),
    )
    kind = models.CharField(_("what"), max_length=10, choices=AccessKind.choices)
    page = models.CharField(_("from page"), max_length=40, blank=True)
    found = models.PositiveIntegerField(_("customers found"), default=0)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("customer access")
        verbose_name_plural = _("customer accesses")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="open") | Q(customer__isnull=False),
                name="customeraccess_open_has_customer",
            ),
        ]
        indexes = [models.Index(fields=["staff", "created_at"], name="customeraccess_staff_at")]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.customer_id or '-'} ({self.created_at:%Y-%m-%d %H:%M})"


class ErasureChannel(models.TextChoices):
    SELF = "self", _("By the customer in their account")
    STAFF = "staff", _("By staff on a written request")


class Erasure(models.Model):
    customer = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="erasure",
        verbose_name=_("erased account"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("carried out by"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=ErasureChannel.choices)
    reason = models.CharField(_("reason or reference"), max_length=255, blank=True)
    orders_cancelled = models.JSONField(_("orders cancelled"), default=list, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"#{self.customer_id} ({self.created_at:%Y-%m-%d})"
