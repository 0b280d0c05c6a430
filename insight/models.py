"""What insight records itself: the products members put in an online cart (the cart forgets a line
once it is ordered or removed; cross-channel conversion needs to remember it)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CartAddition(models.Model):
    """A signed-in shopper put a variant into the online cart (one row per line added)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("customer"),
    )
    variant = models.ForeignKey(
        "shop.Variant", on_delete=models.CASCADE, related_name="+", verbose_name=_("variant")
    )
    added_at = models.DateTimeField(_("added"), db_index=True)

    class Meta:
        verbose_name = _("cart addition")
        verbose_name_plural = _("cart additions")
        indexes = [models.Index(fields=["user", "added_at"], name="cartaddition_user_date")]
        permissions = [("view_all_stores", _("Can see the KPIs of every store (head office)"))]

    def __str__(self):
        return f"{self.user_id}: {self.variant_id}"


class NpsSurvey(models.Model):
    """“How likely are you to recommend us?” asked once per collected pickup order; the answer
    (0–10 and an optional comment) is given once, from the e-mail's links or the in-app message."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, related_name="+", verbose_name=_("order")
    )
    store = models.ForeignKey(
        "stores.Store", on_delete=models.CASCADE, related_name="+", verbose_name=_("store")
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("customer"),
    )
    asked_at = models.DateTimeField(_("asked"))
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("recommendation survey")
        verbose_name_plural = _("recommendation surveys")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=10),
                name="nps_score_0_to_10",
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True, answered_at__isnull=True)
                | models.Q(score__isnull=False, answered_at__isnull=False),
                name="nps_answer_complete",
            ),
        ]
        indexes = [models.Index(fields=["store", "answered_at"], name="nps_store_answered")]

    def __str__(self):
        return f"{self.order_id}: {self.score}"


# --- Daily roll-ups (`insight.rollups`): sums per local day, recomputed whole by a beat job ---


class RollupDay(models.Model):
    """A local day whose roll-up rows are written (and when). The dashboard reads roll-ups only
    for days marked here; a period with a day missing is read from the ledgers."""

    day = models.DateField(_("day"), primary_key=True)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("rolled-up day")
        verbose_name_plural = _("rolled-up days")

    def __str__(self):
        return str(self.day)


class DailyStoreSales(models.Model):
    """One store's sales on one local day: pickup orders collected (count, € in cents, units
    handed over) and till receipts (count, € in cents, of which on a card)."""

    day = models.DateField()
    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="+")
    online_orders = models.PositiveIntegerField(default=0)
    online_cents = models.BigIntegerField(default=0)
    online_units = models.IntegerField(default=0)
    till_receipts = models.PositiveIntegerField(default=0)
    till_cents = models.BigIntegerField(default=0)
    till_card_cents = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "store"], name="rollup_sales_unique")]

    def __str__(self):
        return f"{self.day} {self.store_id}"


class DailyCustomerSpend(models.Model):
    """What one customer bought at (or for pickup at) one store on one local day: collected
    pickup orders and till receipts on a card, counted and summed. Distinct customers, the
    cross-channel share, the repeat rate and the 12-month value are sums over these rows."""

    day = models.DateField()
    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    online_count = models.PositiveIntegerField(default=0)
    # Integer cents: summed exactly and fast (PostgreSQL sums int4 in int8, bigint in numeric);
    # one customer's purchases at one store on one day stay far below 21 million €.
    online_cents = models.IntegerField(default=0)
    store_count = models.PositiveIntegerField(default=0)
    store_cents = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "store", "user"], name="rollup_spend_unique")
        ]
        indexes = [models.Index(fields=["user", "day"], name="rollup_spend_user_day")]

    def __str__(self):
        return f"{self.day} {self.store_id} {self.user_id}"


class DailyInterest(models.Model):
    """A member's first online interest in a product on one local day (a cart addition or a
    pickup order line) and the moment of it. Its conversions are fixed 14 days later."""

    day = models.DateField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("shop.Product", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(
        "shop.Category", on_delete=models.CASCADE, null=True, related_name="+"
    )
    first_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "user", "product"], name="rollup_interest_unique"
            )
        ]

    def __str__(self):
        return f"{self.day} {self.user_id} {self.product_id}"


class DailyConversion(models.Model):
    """A store where the member bought the product of an interest at a till within 14 days of
    it, and the first moment they did there."""

    interest = models.ForeignKey(
        DailyInterest, on_delete=models.CASCADE, related_name="conversions"
    )
    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="+")
    first_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["interest", "store"], name="rollup_conversion_unique")
        ]

    def __str__(self):
        return f"{self.interest_id} {self.store_id}"


class DailyStock(models.Model):
    """The movement ledger of one store and category on one local day: the net units moved and
    the units sold (till sales and collected pickups, a negative number)."""

    day = models.DateField()
    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(
        "shop.Category", on_delete=models.CASCADE, null=True, related_name="+"
    )
    moved = models.IntegerField(default=0)
    sold = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "store", "category"], name="rollup_stock_unique")
        ]

    def __str__(self):
        return f"{self.day} {self.store_id} {self.category_id}"


class StockoutShown(models.Model):
    """How often shoppers were shown "not available at your store" for a product at their store
    on one local day (product list, home and product page badges); one upserted counter row."""

    day = models.DateField()
    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("shop.Product", on_delete=models.CASCADE, related_name="+")
    shown = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "store", "product"], name="stockout_shown_unique"
            )
        ]

    def __str__(self):
        return f"{self.day} {self.store_id} {self.product_id}: {self.shown}"
