from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class StockLevel(models.Model):
    """What one store holds of one variant: the one stock truth.

    available = on_hand - reserved - safety_buffer. The CHECK constraints make an
    over-reservation impossible even for a statement that bypasses the services.
    """

    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="stock_levels")
    variant = models.ForeignKey(
        "shop.Variant", on_delete=models.CASCADE, related_name="stock_levels"
    )
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    safety_buffer = models.IntegerField(
        _("safety buffer"), default=0, help_text=_("Units kept back from online sale.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

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
        "stores.Store", on_delete=models.PROTECT, related_name="stock_movements"
    )
    variant = models.ForeignKey(
        "shop.Variant", on_delete=models.PROTECT, related_name="stock_movements"
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
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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


class Reservation(models.Model):
    """Units promised to one pickup order (its `reference`) for one variant at one store.

    StockLevel.reserved equals the sum of open reservations; reconciliation checks it.
    """

    store = models.ForeignKey("stores.Store", on_delete=models.PROTECT, related_name="reservations")
    variant = models.ForeignKey(
        "shop.Variant", on_delete=models.PROTECT, related_name="reservations"
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
