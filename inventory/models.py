import uuid

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .texts import STOCK_MOVEMENT_TEXTS


class StockLevelQuerySet(models.QuerySet):
    def below_reorder_point(self):
        """Rows whose shelf has reached the reorder point (a reorder point of 0 is "not set")."""
        return self.filter(reorder_point__gt=0, on_hand__lte=F("reorder_point"))


class StockLevel(models.Model):
    """What one store holds of one variant: the one stock truth.

    available = on_hand - reserved - safety_buffer. The CHECK constraints make an
    over-reservation impossible even for a statement that bypasses the services.
    """

    store = models.ForeignKey(
        "stores.Store",
        on_delete=models.CASCADE,
        related_name="stock_levels",
        verbose_name=_("store"),
    )
    variant = models.ForeignKey(
        "shop.Variant",
        on_delete=models.CASCADE,
        related_name="stock_levels",
        verbose_name=_("variant"),
    )
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    safety_buffer = models.IntegerField(
        _("safety buffer"), default=0, help_text=_("Units kept back from online sale.")
    )
    reorder_point = models.PositiveIntegerField(
        _("reorder point"),
        default=0,
        help_text=_("Reorder when units on hand fall to this number or below; 0 means never."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = StockLevelQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(
                fields=["store", "variant"], name="stocklevel_unique_store_variant"
            ),
            models.CheckConstraint(
                condition=Q(reserved__gte=0), name="stocklevel_reserved_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")), name="stocklevel_reserved_within_on_hand"
            ),
            models.CheckConstraint(
                condition=Q(safety_buffer__gte=0), name="stocklevel_buffer_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["variant", "store"], name="stocklevel_variant_store")]

    def __str__(self):
        return (
            f"{self.variant_id}@{self.store_id}: {self.on_hand} on hand, {self.reserved} reserved"
        )

    @property
    def available(self) -> int:
        return max(self.on_hand - self.reserved - self.safety_buffer, 0)


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    SALE = "sale", _("Sale at till")
    PICKUP_RESERVED = "pickup_reserved", _("Pickup reserved")
    PICKUP_RELEASED = "pickup_released", _("Pickup released")
    PICKUP_COLLECTED = "pickup_collected", _("Pickup collected")
    RETURN_RESTOCK = "return_restock", _("Return restocked")
    WRITE_OFF = "write_off", _("Write-off")
    COUNT_ADJUSTMENT = "count_adjustment", _("Count adjustment")


class StockMovement(models.Model):
    """The ledger: on_hand equals the sum of `quantity`, reserved the sum of `reserved_delta`."""

    store = models.ForeignKey(
        "stores.Store",
        on_delete=models.PROTECT,
        related_name="stock_movements",
        verbose_name=_("store"),
    )
    variant = models.ForeignKey(
        "shop.Variant",
        on_delete=models.PROTECT,
        related_name="stock_movements",
        verbose_name=_("variant"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=MovementKind.choices)
    quantity = models.IntegerField(_("on-hand change"), default=0)
    reserved_delta = models.IntegerField(_("reserved change"), default=0)
    reference = models.CharField(_("reference"), max_length=64, blank=True, db_index=True)
    external_id = models.CharField(
        _("external id"),
        max_length=100,
        blank=True,
        default="",
        help_text=_("Id given by a till or the ERP."),
    )
    note = models.CharField(
        _("note"), max_length=255, blank=True, help_text=_("A note as somebody typed it.")
    )
    note_code = models.CharField(
        _("note code"), max_length=40, blank=True, default="", db_default=""
    )
    note_params = models.JSONField(_("note parameters"), null=True, blank=True)
    occurred_at = models.DateTimeField(
        _("occurred"),
        null=True,
        blank=True,
        help_text=_("When the till or ERP says it happened, if it said so."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "external_id"],
                condition=~Q(external_id=""),
                name="movement_unique_external_id",
            )
        ]
        indexes = [models.Index(fields=["store", "variant"], name="movement_store_variant")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.quantity:+d} ({self.reference})"

    @property
    @admin.display(description=_("note"))
    def note_text(self) -> str:
        """The note in the reader's language (a literal note as it was typed)."""
        return STOCK_MOVEMENT_TEXTS.render(self.note_code, self.note_params, self.note)


class Reservation(models.Model):
    """Units promised to one pickup order (its `reference`) for one variant at one store.

    StockLevel.reserved equals the sum of open reservations; reconciliation checks it.
    """

    store = models.ForeignKey(
        "stores.Store",
        on_delete=models.PROTECT,
        related_name="reservations",
        verbose_name=_("store"),
    )
    variant = models.ForeignKey(
        "shop.Variant",
        on_delete=models.PROTECT,
        related_name="reservations",
        verbose_name=_("variant"),
    )
    reference = models.CharField(_("reference"), max_length=64)
    quantity = models.PositiveIntegerField(_("quantity"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        constraints = [
            models.UniqueConstraint(
                fields=["reference", "variant"], name="reservation_unique_reference_variant"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="reservation_quantity_positive"
            ),
        ]
        indexes = [models.Index(fields=["store", "variant"], name="reservation_store_variant")]

    def __str__(self):
        return f"{self.reference}: {self.quantity} × {self.variant_id}"


class StockShortfall(models.Model):
    """A pickup order lost reserved units because the shelf held fewer than were promised.

    Written when a till sale, a snapshot or a count takes on_hand below `reserved`: the
    newest reservations are cut so that reserved <= on_hand holds. The orders side reads
    these by `reference` (the order number) through `selectors.shortfalls_for_references`.
    """

    store = models.ForeignKey(
        "stores.Store",
        on_delete=models.PROTECT,
        related_name="stock_shortfalls",
        verbose_name=_("store"),
    )
    variant = models.ForeignKey(
        "shop.Variant", on_delete=models.PROTECT, related_name="+", verbose_name=_("variant")
    )
    reference = models.CharField(_("reference"), max_length=64, db_index=True)
    units_missing = models.PositiveIntegerField(_("units missing"))
    cause = models.CharField(
        _("cause"), max_length=24, choices=MovementKind.choices, default=MovementKind.SALE
    )
    resolved = models.BooleanField(_("resolved"), default=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("stock shortfall")
        verbose_name_plural = _("stock shortfalls")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(units_missing__gt=0), name="shortfall_units_positive"
            )
        ]

    def __str__(self):
        return f"{self.reference}: {self.units_missing} × {self.variant_id}"


class CountStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SUBMITTED = "submitted", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    APPLIED = "applied", _("Applied")
    REJECTED = "rejected", _("Rejected")


class StockCount(models.Model):
    """A cycle count: an associate counts some variants at one store.

    Each line keeps the system's on_hand at the moment it was counted; applying a count books
    the variance (counted − system at count time), never an absolute overwrite, so sales made
    between counting and applying are not lost. Reserved units not yet picked are still on the
    shelf and are counted like any other unit.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    store = models.ForeignKey(
        "stores.Store",
        on_delete=models.PROTECT,
        related_name="stock_counts",
        verbose_name=_("store"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CountStatus.choices, default=CountStatus.OPEN
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("counted by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved or rejected by"),
    )
    decided_at = models.DateTimeField(_("approved or rejected"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["store", "status"], name="stockcount_store_status")]

    def __str__(self):
        return _("Count %(id)s at %(store)s") % {"id": self.pk, "store": self.store}

    @property
    def reference(self) -> str:
        return f"count-{self.pk}"


class StockCountLine(models.Model):
    count = models.ForeignKey(
        StockCount, on_delete=models.CASCADE, related_name="lines", verbose_name=_("count")
    )
    variant = models.ForeignKey(
        "shop.Variant", on_delete=models.PROTECT, related_name="+", verbose_name=_("variant")
    )
    counted = models.PositiveIntegerField(_("counted"))
    system_on_hand = models.IntegerField(_("system on hand at count time"))
    variance = models.IntegerField(_("variance"))
    needs_approval = models.BooleanField(_("needs approval"), default=False)

    class Meta:
        verbose_name = _("count line")
        verbose_name_plural = _("count lines")
        constraints = [
            models.UniqueConstraint(fields=["count", "variant"], name="countline_unique_variant")
        ]

    def __str__(self):
        return f"{self.variant_id}: {self.counted} ({self.variance:+d})"


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    CLEAN = "clean", _("No drift")
    DRIFT = "drift", _("Drift found")
    FAILED = "failed", _("Failed")


class ReconciliationRun(models.Model):
    """One pass of the reconciliation over all stores (or the stores it was asked for)."""

    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("triggered by"),
        help_text=_("Empty for the nightly run."),
    )
    stores = models.ManyToManyField(
        "stores.Store",
        blank=True,
        related_name="+",
        verbose_name=_("stores"),
        help_text=_("Empty means every store."),
    )
    levels_checked = models.PositiveIntegerField(_("stock rows checked"), default=0)
    findings_count = models.PositiveIntegerField(_("findings"), default=0)
    repaired_count = models.PositiveIntegerField(_("repaired"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("reconciliation run")
        verbose_name_plural = _("reconciliation runs")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return _("Reconciliation %(when)s") % {"when": self.started_at}


class FindingKind(models.TextChoices):
    ON_HAND = "on_hand", _("On hand differs from the movements")
    RESERVED = "reserved", _("Reserved differs from the open reservations")


class ReconciliationFinding(models.Model):
    run = models.ForeignKey(
        ReconciliationRun, on_delete=models.CASCADE, related_name="findings", verbose_name=_("run")
    )
    store = models.ForeignKey(
        "stores.Store", on_delete=models.CASCADE, related_name="+", verbose_name=_("store")
    )
    variant = models.ForeignKey(
        "shop.Variant", on_delete=models.CASCADE, related_name="+", verbose_name=_("variant")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=FindingKind.choices)
    expected = models.IntegerField(_("expected"))
    actual = models.IntegerField(_("actual"))
    repaired = models.BooleanField(_("repaired"), default=False)
    created_at = models.DateTimeField(_("found"), auto_now_add=True)

    class Meta:
        verbose_name = _("reconciliation finding")
        verbose_name_plural = _("reconciliation findings")
        ordering = ["store_id", "variant_id", "kind"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.actual} ≠ {self.expected}"

    @property
    def difference(self) -> int:
        return self.actual - self.expected


class AlertStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    ACTIVE = "active", _("Active")
    SENT = "sent", _("Sent")
    ENDED = "ended", _("Ended")
    LAPSED = "lapsed", _("Lapsed")


OPEN_ALERT_STATUSES = (AlertStatus.PENDING, AlertStatus.ACTIVE)


class StockAlert(models.Model):
    """A shopper asks to be told when a variant is available at one store ("back in stock").

    A logged-in shopper's alert is active at once; an address given without login waits for its
    confirmation (double opt-in). The first rise of availability at that store sends one message
    and the alert ends (`sent`); open alerts lapse after 90 days.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    store = models.ForeignKey(
        "stores.Store",
        on_delete=models.CASCADE,
        related_name="stock_alerts",
        verbose_name=_("store"),
    )
    variant = models.ForeignKey(
        "shop.Variant",
        on_delete=models.CASCADE,
        related_name="stock_alerts",
        verbose_name=_("variant"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="stock_alerts",
        verbose_name=_("customer"),
    )
    email = models.EmailField(_("e-mail address"), blank=True, default="")
    language = models.CharField(_("language"), max_length=10, default="de")
    status = models.CharField(
        _("status"), max_length=10, choices=AlertStatus.choices, default=AlertStatus.PENDING
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("back-in-stock alert")
        verbose_name_plural = _("back-in-stock alerts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "store", "variant"],
                condition=Q(user__isnull=False, status__in=["pending", "active"]),
                name="stockalert_one_open_per_user",
            ),
            models.UniqueConstraint(
                fields=["email", "store", "variant"],
                condition=Q(user__isnull=True, status__in=["pending", "active"]),
                name="stockalert_one_open_per_email",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""),
                name="stockalert_user_or_email",
            ),
        ]
        indexes = [
            models.Index(fields=["store", "variant", "status"], name="stockalert_store_variant")
        ]

    def __str__(self):
        return f"{self.variant_id}@{self.store_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ALERT_STATUSES
