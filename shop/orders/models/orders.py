"""Pickup orders (click & collect): the order, its lines, its timeline and handover attempts.

Every change goes through `shop.orders.services.orders`; these models only hold the data and the
database constraints that keep it sane even for a statement that bypasses the services.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.vat import VatAmount, discounted_vat_breakdown, vat_of_gross
from legal.models import ContractModel
from shop.catalogue.base_prices import BasePrice, base_price
from shop.orders.texts import ORDER_EVENT_TEXTS


class OrderStatus(models.TextChoices):
    # Paid online: stock is reserved, the payment provider has not confirmed the authorisation
    # yet. Not open for the store (no picking); becomes placed or cancelled (payments app).
    PAYMENT_PENDING = "payment_pending", _("Awaiting payment")
    PLACED = "placed", _("Placed")
    PICKING = "picking", _("Picking")
    READY = "ready", _("Ready for pickup")
    COLLECTED = "collected", _("Collected")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


class CollectedBy(models.TextChoices):
    CUSTOMER = "customer", _("the customer")
    COLLECTOR = "collector", _("the named person")


OPEN_STATUSES = (OrderStatus.PLACED, OrderStatus.PICKING, OrderStatus.READY)


class OrderQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class Order(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("order number"), max_length=16, unique=True, editable=False)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="pickup_orders",
        verbose_name=_("customer"),
    )
    store = models.ForeignKey(
        "stores.Store",
        on_delete=models.PROTECT,
        related_name="pickup_orders",
        verbose_name=_("pickup store"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OrderStatus.choices,
        default=OrderStatus.PLACED,
        db_index=True,
    )
    phone = models.CharField(_("phone"), max_length=32)
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=8)
    pickup_code = models.CharField(_("pickup code"), max_length=8, db_index=True)
    total = models.DecimalField(_("total"), max_digits=10, decimal_places=2, default=Decimal("0"))
    amount_due = models.DecimalField(
        _("amount due"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, blank=True)
    # The code of a `shop.orders.payments.PaymentMethod` ("counter", or one an app registers).
    payment_method = models.CharField(_("payment method"), max_length=16, default="counter")
    loyalty_discount = models.DecimalField(
        _("loyalty discount"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    points_redeemed = models.PositiveIntegerField(_("points redeemed"), default=0)
    # A coupon or tier offer (loyalty.PromotionRedemption "order:<number>"): a price reduction.
    offer_discount = models.DecimalField(
        _("offer discount"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    offer_name = models.CharField(_("offer"), max_length=100, blank=True)
    store_credit_used = models.DecimalField(
        _("store credit used"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        help_text=_("Store credit (from refunds) spent on the order; it lowers the amount due."),
    )
    created_at = models.DateTimeField(_("placed"), auto_now_add=True)
    picking_started_at = models.DateTimeField(_("picking started"), null=True, blank=True)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    collected_at = models.DateTimeField(_("collected"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expired"), null=True, blank=True)
    hold_until = models.DateTimeField(_("held until"), null=True, blank=True)
    # Someone else may collect: their name, where their own pickup code goes, and that code.
    collector_name = models.CharField(_("collected by (name)"), max_length=100, blank=True)
    collector_email = models.EmailField(_("collector's e-mail"), blank=True)
    collector_code = models.CharField(
        _("collector's pickup code"), max_length=8, blank=True, db_index=True
    )
    collected_by = models.CharField(
        _("handed over to"), max_length=16, choices=CollectedBy.choices, blank=True
    )
    promised_ready_at = models.DateTimeField(
        _("promised ready"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("When the shopper was told, on placing the order, that it would be ready."),
    )
    promise_kept = models.BooleanField(
        _("promise kept"),
        null=True,
        blank=True,
        help_text=_("Whether the order was ready by the promised time (empty until it is ready)."),
    )
    # The contract as the shopper concluded it at checkout (legal.LegalSettings at that moment),
    # and the AGB and privacy versions in force then (the checkout page linked them).
    contract_model = models.CharField(
        _("contract model"),
        max_length=16,
        choices=ContractModel.choices,
        default=ContractModel.RESERVATION,
    )
    terms_version = models.ForeignKey(
        "legal.LegalText",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("terms and conditions (version)"),
    )
    privacy_version = models.ForeignKey(
        "legal.LegalText",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("privacy policy (version)"),
    )

    objects = OrderQuerySet.as_manager()

    class Meta:
        db_table = "shop_order"  # the table it had as part of the "shop" app
        verbose_name = _("pickup order")
        verbose_name_plural = _("pickup orders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="order_status_valid"
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(
                condition=Q(amount_due__gte=0), name="order_amount_due_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(store_credit_used__gte=0), name="order_store_credit_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(contract_model__in=ContractModel.values),
                name="order_contract_model_valid",
            ),
            models.UniqueConstraint(
                fields=["customer", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="order_unique_customer_idempotency_key",
            ),
        ]
        indexes = [
            # The staff queue: one store, one status, oldest or newest first.
            models.Index(
                fields=["store", "status", "created_at"], name="order_store_status_created"
            ),
            models.Index(fields=["store", "-created_at", "-id"], name="order_store_created"),
            models.Index(fields=["-created_at", "-id"], name="order_created"),
            # The expiry job: ready orders past their hold.
            models.Index(fields=["status", "hold_until"], name="order_status_hold"),
            models.Index(fields=["customer", "-created_at"], name="order_customer_created"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("pickup:order_detail", kwargs={"public_id": self.public_id})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def can_be_cancelled(self) -> bool:
        return self.status in (
            OrderStatus.PAYMENT_PENDING,
            OrderStatus.PLACED,
            OrderStatus.PICKING,
        )

    @property
    def vat_breakdown(self) -> list[VatAmount]:
        """VAT per rate in what the shopper pays for the goods: the lines still to collect, less
        the offer and loyalty discounts spread over them (docs/prices.md). Uses prefetched lines."""
        lines = [(line.line_total, line.vat_rate) for line in self.lines.all()]
        return discounted_vat_breakdown(lines, self.price_reduction)

    @property
    def price_reduction(self) -> Decimal:
        """Everything that lowers the price of the goods: the offer and the loyalty points (store
        credit is a means of payment, not a reduction)."""
        return self.offer_discount + self.loyalty_discount

    @property
    def goods_paid(self) -> Decimal:
        """What the goods cost after the offer and the points (store credit still pays in it)."""
        return self.total - self.price_reduction


class OrderLine(models.Model):
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    variant = models.ForeignKey(
        "shop.Variant", on_delete=models.PROTECT, related_name="+", verbose_name=_("variant")
    )
    sku = models.CharField(_("SKU"), max_length=40)
    product_name = models.CharField(_("product"), max_length=200)
    variant_label = models.CharField(_("variant"), max_length=100, blank=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2)
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("19.00"),
        help_text=_("The product's VAT rate when the order was placed; included in the price."),
    )
    net_quantity = models.DecimalField(
        _("net quantity"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    quantity_unit = models.CharField(_("unit"), max_length=2, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    quantity_short = models.PositiveIntegerField(_("units short"), default=0)

    class Meta:
        db_table = "shop_orderline"  # the table it had as part of the "shop" app
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "variant"], name="orderline_unique_variant"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="orderline_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(quantity_short__lte=F("quantity")),
                name="orderline_short_within_quantity",
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="orderline_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(vat_rate__gte=0, vat_rate__lt=100), name="orderline_vat_rate_range"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.sku}"

    @property
    def quantity_to_collect(self) -> int:
        return self.quantity - self.quantity_short

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity_to_collect

    @property
    def base_price(self) -> BasePrice | None:
        """The base price (Grundpreis) at the price and content the line was ordered with."""
        return base_price(
            price=self.unit_price, net_quantity=self.net_quantity, unit=self.quantity_unit
        )

    @property
    def vat_amount(self) -> Decimal:
        """The VAT in the line total, rounded half-up to the cent (docs/prices.md)."""
        return vat_of_gross(gross=self.line_total, rate=self.vat_rate)


class OrderEvent(models.Model):
    """One step of an order's timeline: who moved it from which status to which, and why."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="events", verbose_name=_("order")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty when the system acted (for example the expiry job)."),
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=OrderStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=OrderStatus.choices)
    note = models.CharField(
        _("note"), max_length=255, blank=True, help_text=_("A note as somebody typed it.")
    )
    note_code = models.CharField(
        _("note code"), max_length=40, blank=True, default="", db_default=""
    )
    note_params = models.JSONField(_("note parameters"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        db_table = "shop_orderevent"  # the table it had as part of the "shop" app
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["order", "created_at"], name="orderevent_order_created")]

    def __str__(self):
        return f"{self.order_id}: {self.from_status or '—'} → {self.to_status}"

    @property
    @admin.display(description=_("note"))
    def note_text(self) -> str:
        """The note in the reader's language (a literal note as it was typed)."""
        return ORDER_EVENT_TEXTS.render(self.note_code, self.note_params, self.note)


class HandoverAttempt(models.Model):
    """A pickup code entered at the counter; wrong ones are counted for the rate limit."""

    store = models.ForeignKey(
        "stores.Store", on_delete=models.CASCADE, related_name="+", verbose_name=_("store")
    )
    order = models.ForeignKey(
        Order,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="handover_attempts",
        verbose_name=_("order"),
        help_text=_("Empty when a scanned code matched no order."),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    success = models.BooleanField(_("success"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        db_table = "shop_handoverattempt"  # the table it had as part of the "shop" app
        verbose_name = _("handover attempt")
        verbose_name_plural = _("handover attempts")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["order", "success", "created_at"], name="handover_order"),
            models.Index(
                fields=["store", "actor", "success", "created_at"], name="handover_store_actor"
            ),
        ]

    def __str__(self):
        return f"{self.order_id or '?'} {'✓' if self.success else '✗'} {self.created_at:%H:%M}"


class RescueChoice(models.TextChoices):
    """What happens to units an associate could not find (see `order_rescue_choose`)."""

    OPEN = "open", _("waiting for the customer")
    OTHER_STORE = "other_store", _("collect at another store")
    DROP = "drop", _("drop the missing units")
    CANCEL = "cancel", _("cancel the whole order")
    TIMED_OUT = "timed_out", _("no answer: missing units dropped")


class ShortPickRescue(models.Model):
    """Units of a line marked short while picking, and what the customer chose to do about them.

    While a rescue is open the order waits: it cannot be marked ready. The customer chooses on
    the order page, through a signed e-mail link or the API; with no answer by `deadline` the
    job `drop_unanswered_rescues` drops the units and the order proceeds.
    """

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="rescues", verbose_name=_("order")
    )
    line = models.ForeignKey(
        OrderLine, on_delete=models.CASCADE, related_name="rescues", verbose_name=_("order line")
    )
    units = models.PositiveIntegerField(_("missing units"))
    choice = models.CharField(
        _("choice"),
        max_length=16,
        choices=RescueChoice.choices,
        default=RescueChoice.OPEN,
        db_index=True,
    )
    deadline = models.DateTimeField(_("answer by"))
    rescue_order = models.ForeignKey(
        Order,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rescued_from",
        verbose_name=_("order at the other store"),
    )
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("chosen by"),
    )
    chosen_at = models.DateTimeField(_("chosen"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("short-pick rescue")
        verbose_name_plural = _("short-pick rescues")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(units__gte=1), name="rescue_units_positive"),
            models.CheckConstraint(
                condition=Q(choice__in=RescueChoice.values), name="rescue_choice_valid"
            ),
            models.CheckConstraint(
                condition=Q(choice=RescueChoice.OPEN) | Q(chosen_at__isnull=False),
                name="rescue_chosen_has_time",
            ),
        ]
        indexes = [models.Index(fields=["choice", "deadline"], name="rescue_choice_deadline")]

    def __str__(self):
        return f"{self.order_id}: {self.units} × {self.line_id} ({self.choice})"

    @property
    def is_open(self) -> bool:
        return self.choice == RescueChoice.OPEN


class OrderWithdrawal(models.Model):
    """The shopper's declaration of withdrawal (§ 355, § 356a BGB) from a purchase order.

    Written once per order by the withdrawal button's second step; `received_at` is the moment
    the declaration reached the shop, which the confirmation e-mail states.
    """

    order = models.OneToOneField(
        Order, on_delete=models.PROTECT, related_name="withdrawal", verbose_name=_("order")
    )
    received_at = models.DateTimeField(_("received"))
    name = models.CharField(_("name given"), max_length=150)
    email = models.EmailField(_("e-mail given"))
    status_at_receipt = models.CharField(
        _("order status at receipt"), max_length=16, choices=OrderStatus.choices
    )
    language = models.CharField(_("language"), max_length=8)

    class Meta:
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.order_id} {self.received_at:%Y-%m-%d %H:%M}"
