"""Loyalty accounts and cards, the append-only points ledger, tiers and their audit rows.

The balance of an account is the sum of its ledger entries (`PointsEntry.points`); there is
no stored balance that could drift. Every write goes through `loyalty.services`, which locks the
account row first, so two writes for one account never interleave.
"""

import re
import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib import admin
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .texts import POINTS_TEXTS, STORE_CREDIT_TEXTS


class Tier(models.Model):
    """A level of membership reached by spending `min_spend_12m` within twelve months."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    min_spend_12m = models.DecimalField(
        _("minimum spend in 12 months (€)"),
        max_digits=10,
        decimal_places=2,
        unique=True,
        validators=[MinValueValidator(0)],
        help_text=_("Purchases minus returns in the last twelve months needed for this tier."),
    )
    multiplier = models.DecimalField(
        _("points multiplier"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(1)],
        help_text=_("Points per full euro are multiplied by this, e.g. 1.25."),
    )

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["min_spend_12m"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_spend_12m__gte=0), name="tier_min_spend_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(multiplier__gte=1), name="tier_multiplier_at_least_1"
            ),
        ]

    def __str__(self):
        return self.name


class LoyaltyAccountQuerySet(models.QuerySet):
    def with_balance(self):
        """Annotate `balance` (sum of the ledger) in the same query, for lists."""
        return self.annotate(balance=Coalesce(Sum("entries__points"), 0))


class LoyaltyAccount(models.Model):
    # A user can be deleted while the card has no entries; the ledger (PROTECT) keeps the rest.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="loyalty_account",
        verbose_name=_("customer"),
    )
    card_number = models.CharField(_("card number"), max_length=13, unique=True, editable=False)
    tier = models.ForeignKey(
        Tier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name=_("tier"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Set when the customer's account was erased (DSGVO Art. 17): the number stays in this row,
    # so it is never drawn again, and no lookup finds the card any more.
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True, editable=False)

    objects = LoyaltyAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("loyalty account")
        verbose_name_plural = _("loyalty accounts")
        permissions = [("adjust_points", _("Can adjust points manually"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(card_number__regex=r"^2[0-9]{12}$"), name="loyalty_card_in_store_range"
            )
        ]

    def __str__(self):
        return self.card_number

    @property
    def card_number_grouped(self) -> str:
        """As printed under an EAN-13 barcode: 1 + 6 + 6 digits."""
        n = self.card_number
        return f"{n[0]} {n[1:7]} {n[7:]}"


class EntryKind(models.TextChoices):
    EARN = "earn", _("Purchase")
    REDEEM = "redeem", _("Redeemed")
    REDEEM_REVERSAL = "redeem_reversal", _("Redemption given back")
    RETURN_TAKEBACK = "return_takeback", _("Return")
    EXPIRE = "expire", _("Expired")
    ADJUSTMENT = "adjustment", _("Adjustment")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    STORE = "store", _("In store")
    SYSTEM = "system", _("System")


class PointsEntry(models.Model):
    """One line of the ledger. Never changed or deleted; a correction is a new entry.

    `source` names the event that caused the entry ("order:CC-…", "receipt:<store>:<no>",
    "return:…"); (source, kind) is unique, so a repeated event cannot count twice.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(
        LoyaltyAccount, on_delete=models.PROTECT, related_name="entries", verbose_name=_("account")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    points = models.IntegerField(_("points"))
    source = models.CharField(_("source"), max_length=120)
    amount = models.DecimalField(
        _("amount (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    store = models.ForeignKey(
        "stores.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("store"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    description = models.CharField(
        _("description"), max_length=255, blank=True, help_text=_("A text as somebody typed it.")
    )
    description_code = models.CharField(
        _("description code"), max_length=40, blank=True, default="", db_default=""
    )
    description_params = models.JSONField(_("description parameters"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    occurred_at = models.DateTimeField(_("date"), db_index=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind"], name="pointsentry_unique_source_kind"
            ),
            # The sign follows from the kind; earn and take-back may be 0 (a purchase under 1 €,
            # a return whose points were already spent) so that the event is still recorded once.
            models.CheckConstraint(
                condition=(
                    Q(kind=EntryKind.EARN, points__gte=0)
                    | Q(kind=EntryKind.REDEEM, points__lt=0)
                    | Q(kind=EntryKind.REDEEM_REVERSAL, points__gt=0)
                    | Q(kind=EntryKind.RETURN_TAKEBACK, points__lte=0)
                    | Q(kind=EntryKind.EXPIRE, points__lt=0)
                    | (Q(kind=EntryKind.ADJUSTMENT) & ~Q(points=0))
                ),
                name="pointsentry_sign_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="pointsentry_amount_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "-occurred_at"], name="pointsentry_account_date"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.points:+d} ({self.source})"

    @property
    @admin.display(description=_("description"))
    def description_text(self) -> str:
        """The description in the reader's language (a literal one as it was typed)."""
        return POINTS_TEXTS.render(self.description_code, self.description_params, self.description)


class TierChange(models.Model):
    """A tier an account moved into. `notified_at` stays empty until the customer was told."""

    account = models.ForeignKey(
        LoyaltyAccount,
        on_delete=models.CASCADE,
        related_name="tier_changes",
        verbose_name=_("account"),
    )
    from_tier = models.ForeignKey(
        Tier,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous tier"),
    )
    to_tier = models.ForeignKey(
        Tier,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new tier"),
    )
    spend_12m = models.DecimalField(_("spend in 12 months (€)"), max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    notified_at = models.DateTimeField(_("customer notified"), null=True, blank=True)

    class Meta:
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.account}: {self.from_tier} → {self.to_tier}"


class LookupPurpose(models.TextChoices):
    LOOKUP = "lookup", _("Card lookup")
    PURCHASE = "purchase", _("Purchase recorded")
    ADMIN = "admin", _("Admin search")
    TILL = "till", _("Till purchase")


class CardLookup(models.Model):
    """A card looked up by staff (desk, admin search) or a till (API): the audit log and the
    counter of the rate limits (per staff member; per till token for unknown cards)."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("staff"),
    )
    store = models.ForeignKey(
        "stores.Store",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("store"),
    )
    token = models.ForeignKey(
        "stores.StoreApiToken",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("till token"),
    )
    card_number = models.CharField(_("card number or e-mail entered"), max_length=254)
    account = models.ForeignKey(
        LoyaltyAccount,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account found"),
    )
    purpose = models.CharField(_("purpose"), max_length=10, choices=LookupPurpose.choices)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("card lookup")
        verbose_name_plural = _("card lookups")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["staff", "created_at"], name="cardlookup_staff_time"),
            models.Index(fields=["token", "created_at"], name="cardlookup_token_time"),
        ]

    def __str__(self):
        return f"{self.staff} @ {self.store}: {self.card_number}"


class StoreCreditEntry(models.Model):
    """The store-credit ledger (credit from refunds, spent at checkout): the balance is the sum,
    and never negative."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="store_credit_entries",
        verbose_name=_("customer"),
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    source = models.CharField(
        _("source"),
        max_length=64,
        unique=True,
        help_text=_("What caused it, e.g. refund:<return code> or order:<number>; each once."),
    )
    note = models.CharField(
        _("note"), max_length=255, blank=True, help_text=_("A note as somebody typed it.")
    )
    note_code = models.CharField(
        _("note code"), max_length=40, blank=True, default="", db_default=""
    )
    note_params = models.JSONField(_("note parameters"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        db_table = "returns_storecreditentry"  # the table it had in the returns app
        verbose_name = _("store credit entry")
        verbose_name_plural = _("store credit entries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="storecredit_amount_not_zero")
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="storecredit_user_created")]

    def __str__(self):
        return f"{self.user}: {self.amount:+} ({self.source})"

    @property
    @admin.display(description=_("note"))
    def note_text(self) -> str:
        """The note in the reader's language (a literal note as it was typed)."""
        return STORE_CREDIT_TEXTS.render(self.note_code, self.note_params, self.note)


class TillReceipt(models.Model):
    """A purchase at a store's till with its lines, booked once per (store, number).

    The lines moved the store's stock (inventory's movement ledger, reference
    "till:<store code>:<number>") and, when a card was scanned, the receipt earned (or, for a
    return, took back) points: `points_entry`. `fingerprint` is the hash of what the till sent,
    so the same receipt sent again is recognised and a different one with the same number refused.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    store = models.ForeignKey(
        "stores.Store", on_delete=models.PROTECT, related_name="+", verbose_name=_("store")
    )
    number = models.CharField(_("receipt number"), max_length=40)
    account = models.ForeignKey(
        LoyaltyAccount,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="till_receipts",
        verbose_name=_("loyalty account"),
    )
    points_entry = models.OneToOneField(
        PointsEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="till_receipt",
        verbose_name=_("points entry"),
    )
    total = models.DecimalField(_("total (€)"), max_digits=10, decimal_places=2)
    # A coupon or tier offer on the whole receipt (`PromotionRedemption`): total = lines − this.
    offer_discount = models.DecimalField(
        _("offer discount (€)"), max_digits=10, decimal_places=2, default=Decimal("0.00")
    )
    fingerprint = models.CharField(_("fingerprint"), max_length=64, editable=False)
    occurred_at = models.DateTimeField(_("occurred"))
    created_at = models.DateTimeField(_("booked"), auto_now_add=True)

    class Meta:
        verbose_name = _("till receipt")
        verbose_name_plural = _("till receipts")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "number"], name="tillreceipt_unique_number")
        ]
        indexes = [
            models.Index(fields=["store", "occurred_at"], name="tillreceipt_store_date"),
            models.Index(fields=["account", "occurred_at"], name="tillreceipt_account_date"),
        ]

    def __str__(self):
        return f"{self.number} @ {self.store_id}"


class TillReceiptLine(models.Model):
    """One line of a till receipt: a negative quantity is an item returned at the till."""

    receipt = models.ForeignKey(
        TillReceipt, on_delete=models.CASCADE, related_name="lines", verbose_name=_("receipt")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    variant = models.ForeignKey(
        "shop.Variant", on_delete=models.PROTECT, related_name="+", verbose_name=_("variant")
    )
    quantity = models.IntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price (€)"), max_digits=10, decimal_places=2)
    discount = models.DecimalField(_("discount (€)"), max_digits=10, decimal_places=2, default=0)
    amount = models.DecimalField(
        _("amount (€)"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Quantity × unit price − discount; negative for a returned item."),
    )

    class Meta:
        verbose_name = _("receipt line")
        verbose_name_plural = _("receipt lines")
        ordering = ["receipt", "position"]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="tillline_quantity_not_zero"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="tillline_price_positive"),
            models.CheckConstraint(condition=Q(discount__gte=0), name="tillline_discount_positive"),
            models.UniqueConstraint(fields=["receipt", "position"], name="tillline_unique_pos"),
        ]
        indexes = [models.Index(fields=["variant", "receipt"], name="tillline_variant")]

    def __str__(self):
        return f"{self.quantity} × {self.variant_id}"


class OfferKind(models.TextChoices):
    PERCENT = "percent", _("Percentage off")
    AMOUNT = "amount", _("Amount off")


class OfferChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    TILL = "till", _("At the till")


class Promotion(models.Model):
    """A coupon (with a `code`) or an automatic offer for tiers (no code), set up by head office.

    Scoped by tier (empty: every customer), store (empty: every store), channel (online, till) and
    period; a percentage or an amount off the goods, from a minimum order on; at most
    `per_customer_limit` uses per customer and, optionally, `total_limit` uses in all. Every use
    is a `PromotionRedemption`; see docs/offers.md.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(
        _("name"), max_length=100, help_text=_("Shown to the customer, e.g. “Summer -10 %”.")
    )
    code = models.CharField(
        _("code"),
        max_length=32,
        blank=True,
        help_text=_(
            "What the customer types or the till scans (letters, digits, hyphen; case does not "
            "matter). Empty: applied automatically to the chosen tiers."
        ),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=OfferKind.choices)
    percent = models.PositiveSmallIntegerField(
        _("percent off"), null=True, blank=True, help_text=_("1 to 100, for a percentage.")
    )
    amount = models.DecimalField(
        _("amount off (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    min_order = models.DecimalField(
        _("minimum order (€)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text=_("The goods' total (before points) from which the offer applies."),
    )
    tiers = models.ManyToManyField(
        Tier,
        blank=True,
        related_name="promotions",
        verbose_name=_("tiers"),
        help_text=_("Empty: every customer (a code only)."),
    )
    stores = models.ManyToManyField(
        "stores.Store",
        blank=True,
        related_name="+",
        verbose_name=_("stores"),
        help_text=_("Empty: every store."),
    )
    online = models.BooleanField(_("online"), default=True)
    till = models.BooleanField(_("at the till"), default=True)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    per_customer_limit = models.PositiveIntegerField(
        _("uses per customer"), default=1, validators=[MinValueValidator(1)]
    )
    total_limit = models.PositiveIntegerField(
        _("uses in all"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: no limit."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="promotion_unique_code"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=OfferKind.PERCENT, percent__gte=1, percent__lte=100, amount__isnull=True)
                    | Q(kind=OfferKind.AMOUNT, amount__gt=0, percent__isnull=True)
                ),
                name="promotion_kind_value",
            ),
            models.CheckConstraint(condition=Q(min_order__gte=0), name="promotion_min_order"),
            models.CheckConstraint(
                condition=Q(online=True) | Q(till=True), name="promotion_channel"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=F("valid_from")),
                name="promotion_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(per_customer_limit__gte=1), name="promotion_per_customer_limit"
            ),
            models.CheckConstraint(
                condition=Q(total_limit__isnull=True) | Q(total_limit__gte=1),
                name="promotion_total_limit",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})" if self.code else self.name

    @property
    def automatic(self) -> bool:
        return not self.code

    def clean(self):
        from django.core.exceptions import ValidationError

        errors: dict[str, list[str]] = {}
        self.code = (self.code or "").strip().upper()
        if self.code and not re.fullmatch(r"[A-Z0-9][A-Z0-9-]{2,31}", self.code):
            errors.setdefault("code", []).append(
                _(
                    "A code has 3 to 32 letters, digits or hyphens and starts with a letter or digit."
                )
            )
        if self.kind == OfferKind.PERCENT:
            if self.percent is None or not 1 <= self.percent <= 100:
                errors.setdefault("percent", []).append(
                    _("A percentage offer needs a percentage from 1 to 100.")
                )
            if self.amount is not None:
                errors.setdefault("amount", []).append(
                    _("Leave the amount empty for a percentage offer.")
                )
        elif self.kind == OfferKind.AMOUNT:
            if self.amount is None or self.amount <= 0:
                errors.setdefault("amount", []).append(
                    _("An amount offer needs an amount above zero.")
                )
            if self.percent is not None:
                errors.setdefault("percent", []).append(
                    _("Leave the percentage empty for an amount offer.")
                )
        if self.min_order is not None and self.min_order < 0:
            errors.setdefault("min_order", []).append(_("The minimum order cannot be negative."))
        if not (self.online or self.till):
            errors.setdefault("till", []).append(
                _("Choose at least one channel: online, at the till or both.")
            )
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            errors.setdefault("valid_until", []).append(
                _("The end of the period must lie after its start.")
            )
        if errors:
            raise ValidationError(errors)


class PromotionRedemption(models.Model):
    """The ledger of offers used: one row per order or till receipt (`source`, unique).

    `released_at` is set when the use was given back (the order was cancelled or expired); a
    released use no longer counts against the limits. The amount is in cents.
    """

    promotion = models.ForeignKey(
        Promotion, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("promotion")
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("customer"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=OfferChannel.choices)
    store = models.ForeignKey(
        "stores.Store", on_delete=models.PROTECT, related_name="+", verbose_name=_("store")
    )
    source = models.CharField(
        _("source"),
        max_length=80,
        unique=True,
        help_text=_("order:<number> or receipt:<store>:<number>; each once."),
    )
    order_number = models.CharField(_("order number"), max_length=16, blank=True)
    receipt = models.OneToOneField(
        TillReceipt,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offer_redemption",
        verbose_name=_("till receipt"),
    )
    amount_cents = models.PositiveIntegerField(_("discount (cents)"))
    created_at = models.DateTimeField(_("redeemed"), auto_now_add=True)
    released_at = models.DateTimeField(_("given back"), null=True, blank=True)

    class Meta:
        verbose_name = _("promotion redemption")
        verbose_name_plural = _("promotion redemptions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["promotion", "customer"], name="redemption_promo_customer"),
        ]

    def __str__(self):
        return f"{self.promotion_id}: {self.amount_cents} ({self.source})"

    @property
    def amount(self) -> Decimal:
        return Decimal(self.amount_cents) / 100
