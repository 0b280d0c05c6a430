"""Online payments of pickup orders: one payment per order, its ledger, the provider's webhook
events, which methods a store offers, and the invoices and credit notes.

Amounts are whole cents (integers), as the provider counts them; never floats. Every change goes
through `payments.services`; the constraints keep the numbers sane for any other statement.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class OnlineMethod(models.TextChoices):
    """The Stripe payment method types that support manual capture for German shoppers."""

    CARD = "card", _("Card")
    PAYPAL = "paypal", _("PayPal")
    KLARNA = "klarna", _("Klarna")


def default_methods() -> list[str]:
    return [OnlineMethod.CARD]


class StorePaymentOptions(models.Model):
    """Which online methods a store offers. Without a row (or with none enabled) its shoppers pay
    at the counter, which every store offers anyway."""

    store = models.OneToOneField(
        "stores.Store",
        on_delete=models.CASCADE,
        related_name="payment_options",
        verbose_name=_("store"),
    )
    online_enabled = models.BooleanField(_("online payment"), default=True)
    methods = models.JSONField(
        _("online methods"),
        default=default_methods,
        help_text=_("Stripe payment method types offered: card, paypal, klarna."),
    )

    class Meta:
        verbose_name = _("payment options of a store")
        verbose_name_plural = _("payment options of stores")

    def __str__(self):
        return str(self.store)


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for authorisation")
    AUTHORISED = "authorised", _("Authorised")
    CAPTURED = "captured", _("Captured")
    VOIDED = "voided", _("Voided")


class Payment(models.Model):
    """The online payment of one order (Stripe PaymentIntent with manual capture)."""

    order = models.OneToOneField(
        "orders.Order", on_delete=models.PROTECT, related_name="payment", verbose_name=_("order")
    )
    provider = models.CharField(_("provider"), max_length=16, default="stripe")
    intent_id = models.CharField(_("PaymentIntent"), max_length=64, unique=True)
    client_secret = models.CharField(_("client secret"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    currency = models.CharField(_("currency"), max_length=3, default="eur")
    amount_cents = models.PositiveIntegerField(_("amount authorised (cents)"))
    captured_cents = models.PositiveIntegerField(_("captured (cents)"), default=0)
    refunded_cents = models.PositiveIntegerField(_("refunded (cents)"), default=0)
    authorised_at = models.DateTimeField(_("authorised"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=255, blank=True)
    billing_company = models.CharField(_("company"), max_length=120, blank=True)
    billing_vat_id = models.CharField(_("VAT ID"), max_length=20, blank=True)
    billing_address = models.CharField(_("billing address"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(
                condition=Q(captured_cents__lte=F("amount_cents")),
                name="payment_capture_within_authorised",
            ),
            models.CheckConstraint(
                condition=Q(refunded_cents__lte=F("captured_cents")),
                name="payment_refund_within_captured",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PaymentStatus.values), name="payment_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="payment_status_created")]

    def __str__(self):
        return self.intent_id

    @property
    def is_business(self) -> bool:
        return bool(self.billing_company)


class EntryKind(models.TextChoices):
    AUTHORISED = "authorised", _("authorised")
    CAPTURED = "captured", _("captured")
    VOIDED = "voided", _("voided")
    REFUNDED = "refunded", _("refunded")
    FAILED = "failed", _("failed")


class PaymentEntry(models.Model):
    """One line of an order's payment ledger. `provider_ref` (the PaymentIntent, refund or event
    id) makes each entry once: a repeated webhook or retry finds it and writes nothing."""

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="entries", verbose_name=_("payment")
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        related_name="payment_entries",
        verbose_name=_("order"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    provider_ref = models.CharField(_("provider reference"), max_length=100)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment ledger entry")
        verbose_name_plural = _("payment ledger")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["payment", "kind", "provider_ref"], name="paymententry_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount_cents}"


class WebhookEvent(models.Model):
    """A provider event we accepted (signature checked). Its id is stored once: a duplicate
    delivery finds it and changes nothing."""

    event_id = models.CharField(_("event"), max_length=100, unique=True)
    type = models.CharField(_("type"), max_length=100)
    intent_id = models.CharField(_("PaymentIntent"), max_length=64, blank=True)
    outcome = models.CharField(_("outcome"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    def __str__(self):
        return f"{self.type} {self.event_id}"


class WebhookDelivery(models.Model):
    """One signed delivery we accepted, by the SHA-256 of its `Stripe-Signature` header (which
    carries the signing time). Stripe's own redelivery of an event is signed anew (a new
    timestamp, so a new header); the identical header again is a replay of captured bytes and
    is refused. Rows older than the signature tolerance can go (`payments_reconcile` prunes)."""

    signature_sha256 = models.CharField(_("signature (SHA-256)"), max_length=64, unique=True)
    event_id = models.CharField(_("event"), max_length=100)
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self):
        return f"{self.event_id} {self.signature_sha256[:12]}"


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceSequence(models.Model):
    """The last number given in a year; locked while the next one is taken (gap-free)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("invoice number sequence")
        verbose_name_plural = _("invoice number sequences")

    def __str__(self):
        return f"{self.year}: {self.last}"


class Invoice(models.Model):
    """An invoice (for what was captured) or a credit note (for one refund), numbered without
    gaps per year in one sequence. The lines are a snapshot: the PDF always shows the same."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=16, choices=InvoiceKind.choices)
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="invoices", verbose_name=_("order")
    )
    # The refund a credit note is for (the provider's refund id); blank on an invoice.
    refund_ref = models.CharField(_("refund"), max_length=100, blank=True)
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
        verbose_name=_("corrects invoice"),
    )
    lines = models.JSONField(_("lines"))
    total_cents = models.PositiveIntegerField(_("total (cents)"))
    issued_at = models.DateTimeField(_("issued"))

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["year", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="invoice_year_sequence"),
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=Q(kind="invoice"),
                name="invoice_one_per_order",
            ),
            models.UniqueConstraint(
                fields=["order", "refund_ref"],
                condition=Q(kind="credit_note"),
                name="credit_note_one_per_refund",
            ),
        ]

    def __str__(self):
        return self.number
