"""Returns of online orders in any store: the request, its lines and the refund.

Every change goes through `returns.services`; the constraints here keep the data sane even
for a statement that bypasses them.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.templatetags.money import format_money
from core.vat import VatAmount, vat_breakdown, vat_of_gross
from stores.selectors import staff_stores

from .codes import return_code_format


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    RECEIVED = "received", _("Received in store")
    REFUNDED = "refunded", _("Refunded")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed")


class ReturnReason(models.TextChoices):
    TOO_SMALL = "too_small", _("Too small")
    TOO_LARGE = "too_large", _("Too large")
    DAMAGED = "damaged", _("Damaged or faulty")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    CHANGED_MIND = "changed_mind", _("Changed my mind")
    OTHER = "other", _("Other")


class LineCondition(models.TextChoices):
    SELLABLE = "sellable", _("Accepted, sellable")
    DAMAGED = "damaged", _("Accepted, damaged (written off)")
    REJECTED = "rejected", _("Rejected")


ACCEPTED_CONDITIONS = (LineCondition.SELLABLE, LineCondition.DAMAGED)


class RefundMethod(models.TextChoices):
    ORIGINAL_PAYMENT = "original_payment_at_counter", _("Original payment, at the counter")
    STORE_CREDIT = "store_credit", _("Store credit")
    # Back to the card, PayPal or Klarna payment the order was paid with online (payments app).
    ORIGINAL_ONLINE = "original_payment_online", _("Original online payment")


class ReturnRequestQuerySet(models.QuerySet):
    def for_staff(self, user):
        """Returns received by (or being received at) the stores this user works in.

        Lookups by exact return code or order number go through `returns.selectors` and
        reach every store's returns: any store of the chain can receive a parcel.
        """
        if user.is_superuser:
            return self
        return self.filter(received_store__in=staff_stores(user=user))


class ReturnRequest(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("return code"), max_length=8, unique=True, editable=False)
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="returns", verbose_name=_("order")
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="returns",
        verbose_name=_("customer"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ReturnStatus.choices,
        default=ReturnStatus.REQUESTED,
        db_index=True,
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReturnReason.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
        help_text=_("The shopper, or the associate who started it at the counter."),
    )
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    received_store = models.ForeignKey(
        "stores.Store",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_returns",
        verbose_name=_("received in store"),
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("received by"),
    )
    override_reason = models.TextField(
        _("manager override"),
        blank=True,
        help_text=_("Why a manager accepted a return outside the return window."),
    )
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("override by"),
    )
    idempotency_key = models.CharField(max_length=64, blank=True, editable=False)

    objects = ReturnRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReturnStatus.values), name="return_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(comment=""), name="return_other_needs_comment"
            ),
            models.CheckConstraint(
                condition=Q(override_by__isnull=True) | ~Q(override_reason=""),
                name="return_override_has_reason",
            ),
            models.UniqueConstraint(
                fields=["customer", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="return_unique_customer_idempotency_key",
            ),
        ]
        indexes = [
            models.Index(fields=["received_store", "-created_at"], name="return_store_created"),
            models.Index(fields=["customer", "-created_at"], name="return_customer_created"),
        ]

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("returns:detail", kwargs={"public_id": self.public_id})

    @property
    def code_display(self) -> str:
        """The code as every page and message shows it: "4GMH 4TPN" (like a pickup code)."""
        return return_code_format(self.code)

    @property
    def refund_total(self) -> Decimal:
        return sum((line.refund_amount for line in self.lines.all()), Decimal("0"))

    @property
    def refund_vat_breakdown(self) -> list[VatAmount]:
        """The VAT in the lines' refunds, per rate of the order lines, rounded per line like the
        order's (docs/prices.md). Uses prefetched lines and order lines when there."""
        return vat_breakdown(
            (line.refund_amount, line.order_line.vat_rate) for line in self.lines.all()
        )


class ReturnLine(models.Model):
    return_request = models.ForeignKey(
        ReturnRequest, on_delete=models.CASCADE, related_name="lines", verbose_name=_("return")
    )
    order_line = models.ForeignKey(
        "orders.OrderLine",
        on_delete=models.PROTECT,
        related_name="return_lines",
        verbose_name=_("order line"),
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    condition = models.CharField(
        _("condition"), max_length=16, choices=LineCondition.choices, blank=True
    )
    reject_reason = models.CharField(_("why rejected"), max_length=255, blank=True)
    refund_amount = models.DecimalField(
        _("refund"), max_digits=10, decimal_places=2, default=Decimal("0")
    )

    class Meta:
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["return_request", "order_line"], name="returnline_unique_order_line"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="returnline_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(refund_amount__gte=0), name="returnline_refund_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(condition="rejected") | ~Q(reject_reason=""),
                name="returnline_rejection_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.order_line.sku}"

    @property
    def vat_rate(self) -> Decimal:
        return self.order_line.vat_rate

    @property
    def vat_amount(self) -> Decimal:
        """The VAT in this line's refund, rounded half-up to the cent."""
        return vat_of_gross(gross=self.refund_amount, rate=self.order_line.vat_rate)


class Refund(models.Model):
    """Money given back for one return, once: the one-to-one makes a second refund impossible."""

    return_request = models.OneToOneField(
        ReturnRequest, on_delete=models.PROTECT, related_name="refund", verbose_name=_("return")
    )
    amount = models.DecimalField(
        _("amount refunded"),
        max_digits=10,
        decimal_places=2,
        help_text=_("Accepted lines minus the value of loyalty points that were already spent."),
    )
    method = models.CharField(_("method"), max_length=32, choices=RefundMethod.choices)
    points_taken_back = models.PositiveIntegerField(_("points taken back"), default=0)
    points_deducted_value = models.DecimalField(
        _("deducted for spent points"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        help_text=_(
            "Value of earned points that had already been spent and could not be taken back."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("issued by"),
    )
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="refund_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(points_deducted_value__gte=0), name="refund_deduction_not_negative"
            ),
        ]

    def __str__(self):
        return (
            f"{self.return_request.code}: {format_money(self.amount)} ({self.get_method_display()})"
        )

    @property
    def gross_amount(self) -> Decimal:
        return self.amount + self.points_deducted_value

    @property
    def vat_breakdown(self) -> list[VatAmount]:
        """The VAT in the refunded goods (`gross_amount`), per rate."""
        return self.return_request.refund_vat_breakdown


class ReturnEvent(models.Model):
    """One step of a return's timeline: who moved it from which status to which."""

    return_request = models.ForeignKey(
        ReturnRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("return")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=ReturnStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=ReturnStatus.choices)
    note = models.CharField(
        _("note"), max_length=255, blank=True, help_text=_("A note as somebody typed it.")
    )
    note_code = models.CharField(
        _("note code"), max_length=40, blank=True, default="", db_default=""
    )
    note_params = models.JSONField(_("note parameters"), null=True, blank=True)
    store = models.ForeignKey(
        "stores.Store",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("store"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("return event")
        verbose_name_plural = _("return events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.return_request_id}: {self.from_status or '—'} → {self.to_status}"

    @property
    @admin.display(description=_("note"))
    def note_text(self) -> str:
        """The note in the reader's language (a literal note as it was typed)."""
        from returns.texts import RETURN_EVENT_TEXTS  # the texts name RefundMethod of this module

        return RETURN_EVENT_TEXTS.render(self.note_code, self.note_params, self.note)
