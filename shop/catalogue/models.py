import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Case, F, Q, When
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from shop.catalogue.base_prices import BasePrice, QuantityUnit, base_price
from shop.catalogue.images import validate_product_image

ean_validator = RegexValidator(r"^\d{8}$|^\d{13}$", _("An EAN has 8 or 13 digits."))


class Category(models.Model):
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]

    def __str__(self):
        return f"{self.parent} › {self.name}" if self.parent_id else self.name

    def get_absolute_url(self):
        return reverse("shop:product_list") + f"?category={self.slug}"


class TaxClass(models.TextChoices):
    """The VAT rate of a product (Umsatzsteuer); prices are gross and include it."""

    STANDARD = "standard", _("19 % (standard rate)")
    REDUCED = "reduced", _("7 % (reduced rate)")
    ZERO = "zero", _("0 % (zero rate)")


VAT_RATES: dict[str, Decimal] = {
    TaxClass.STANDARD: Decimal("19.00"),
    TaxClass.REDUCED: Decimal("7.00"),
    TaxClass.ZERO: Decimal("0.00"),
}


EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)


class Manufacturer(models.Model):
    """Who makes a product, as the General Product Safety Regulation (EU) 2023/988 asks: name,
    postal and electronic address; for a manufacturer outside the EU, the responsible person in
    the EU (Art. 4 Regulation (EU) 2019/1020) with the same details."""

    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("manufacturer's postal address"))
    country = models.CharField(
        _("manufacturer's country"), max_length=2, help_text=_("ISO code, e.g. DE, CH, CN.")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("manufacturer's website"), blank=True)
    responsible_name = models.CharField(
        _("responsible person in the EU"), max_length=200, blank=True
    )
    responsible_address = models.TextField(
        _("postal address of the responsible person"), blank=True
    )
    responsible_email = models.EmailField(_("e-mail of the responsible person"), blank=True)

    class Meta:
        verbose_name = _("manufacturer")
        verbose_name_plural = _("manufacturers")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(website=""),
                name="manufacturer_has_electronic_address",
                violation_error_message=_("Give an e-mail address or a website."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def in_eu(self) -> bool:
        return self.country.upper() in EU_COUNTRIES

    def clean(self):
        self.country = self.country.upper()
        if not self.in_eu and not (
            self.responsible_name and self.responsible_address and self.responsible_email
        ):
            raise ValidationError(
                _(
                    "A manufacturer outside the EU needs a responsible person in the EU with "
                    "name, postal address and e-mail."
                )
            )


class ProductQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Product(models.Model):
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    brand = models.CharField(_("brand"), max_length=100, blank=True, db_index=True)
    description = models.TextField(_("description"), blank=True)
    tax_class = models.CharField(
        _("VAT rate"),
        max_length=10,
        choices=TaxClass.choices,
        default=TaxClass.STANDARD,
        help_text=_("Prices are gross; this rate is included in them."),
    )
    manufacturer = models.ForeignKey(
        Manufacturer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("manufacturer"),
    )
    safety_information = models.TextField(
        _("safety warnings"),
        blank=True,
        help_text=_("Warnings and safety information for the shopper (GPSR), one per line."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The search document, written by shop.catalogue.services.product_search_index_refresh
    # (see shop.catalogue.search_index): a tsvector on PostgreSQL (on SQLite the FTS5 table
    # shop_product_search holds it and this column stays empty) and the folded words of name,
    # brand and category for spelling suggestions and trigram matching.
    search_vector = SearchVectorField(null=True, editable=False)
    search_words = models.TextField(blank=True, default="", editable=False)

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]
        indexes = [models.Index(fields=["is_active", "name"], name="product_active_name")]
        constraints = [
            models.CheckConstraint(
                condition=Q(tax_class__in=TaxClass.values), name="product_tax_class_valid"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("shop:product_detail", kwargs={"slug": self.slug})

    @property
    def vat_rate(self) -> Decimal:
        """The VAT rate in per cent (19.00, 7.00, 0.00)."""
        return VAT_RATES[self.tax_class]


def product_image_path(instance, filename):
    return f"products/{instance.product_id or 'new'}/{filename}"


class ProductImage(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="images", verbose_name=_("product")
    )
    image = models.ImageField(
        _("image"), upload_to=product_image_path, validators=[validate_product_image]
    )
    thumbnail = models.ImageField(
        _("thumbnail"), upload_to="products/thumbs/", blank=True, editable=False
    )
    alt_text = models.CharField(_("alternative text"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    colour = models.CharField(
        _("colour"),
        max_length=40,
        blank=True,
        help_text=_(
            "Shown when the shopper chooses this colour (as written on the variants); "
            "empty: shown for every colour."
        ),
    )

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["position", "id"]

    def __str__(self):
        return self.alt_text or self.image.name


class Variant(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="variants", verbose_name=_("product")
    )
    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    ean = models.CharField(
        _("EAN"), max_length=13, blank=True, validators=[ean_validator], db_index=True
    )
    size = models.CharField(_("size"), max_length=20, blank=True)
    colour = models.CharField(_("colour"), max_length=40, blank=True)
    price = models.DecimalField(
        _("price"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.00"))]
    )
    sale_price = models.DecimalField(
        _("sale price"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text=_("A reduced price, lower than the price, for the period below."),
    )
    sale_from = models.DateTimeField(
        _("sale from"), null=True, blank=True, help_text=_("Empty: from now on.")
    )
    sale_until = models.DateTimeField(
        _("sale until"), null=True, blank=True, help_text=_("Empty: until further notice.")
    )
    sale_reference_price = models.DecimalField(
        _("lowest price of the 30 days before the sale"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Worked out from the price history whenever a price changes (§ 11 PAngV)."),
    )
    net_quantity = models.DecimalField(
        _("net quantity"),
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.001"))],
        help_text=_(
            "For goods sold by weight, volume, length or area: the content of one item, "
            "e.g. 230 g, 0.75 l, 20 m. The base price is shown next to the price."
        ),
    )
    quantity_unit = models.CharField(
        _("unit"), max_length=2, choices=QuantityUnit.choices, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="variant_price_not_negative"),
            models.CheckConstraint(
                condition=Q(sale_price__isnull=True)
                | Q(sale_price__gte=0, sale_price__lt=F("price")),
                name="variant_sale_price_below_price",
                violation_error_message=_("A sale price must be lower than the price."),
            ),
            models.CheckConstraint(
                condition=Q(sale_from__isnull=True)
                | Q(sale_until__isnull=True)
                | Q(sale_from__lt=F("sale_until")),
                name="variant_sale_period_in_order",
                violation_error_message=_("A sale must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(net_quantity__isnull=True, quantity_unit="")
                | Q(net_quantity__gt=0, quantity_unit__in=QuantityUnit.values),
                name="variant_net_quantity_with_unit",
                violation_error_message=_(
                    "Give the net quantity and its unit together, or neither."
                ),
            ),
        ]

    def __str__(self):
        label = self.label
        return f"{self.product.name} ({label})" if label else self.product.name

    @property
    def label(self) -> str:
        return " / ".join(part for part in (self.colour, self.size) if part)

    def sale_active_at(self, moment: dt.datetime) -> bool:
        return (
            self.sale_price is not None
            and (self.sale_from is None or self.sale_from <= moment)
            and (self.sale_until is None or moment < self.sale_until)
        )

    def price_at(self, moment: dt.datetime) -> Decimal:
        """What the variant costs at `moment` by its current settings: the sale price within
        the sale period, the price otherwise."""
        if self.sale_active_at(moment):
            assert self.sale_price is not None
            return self.sale_price
        return self.price

    @cached_property
    def current_price(self) -> Decimal:
        """What the variant costs now (sale price during a sale)."""
        return self.price_at(timezone.now())

    @cached_property
    def on_sale(self) -> bool:
        return self.sale_active_at(timezone.now())

    @property
    def base_price(self) -> BasePrice | None:
        """The price per kg, l, m or m² (or 100 g / 100 ml); None for goods sold by the piece."""
        return base_price(
            price=self.current_price, net_quantity=self.net_quantity, unit=self.quantity_unit
        )


def sale_active_q(moment: dt.datetime, prefix: str = "") -> Q:
    """Variants whose sale runs at `moment` (`prefix` e.g. "variants__" from a product)."""
    return (
        Q(**{f"{prefix}sale_price__isnull": False})
        & (Q(**{f"{prefix}sale_from__isnull": True}) | Q(**{f"{prefix}sale_from__lte": moment}))
        & (Q(**{f"{prefix}sale_until__isnull": True}) | Q(**{f"{prefix}sale_until__gt": moment}))
    )


def current_price_expression(moment: dt.datetime) -> Case:
    """The variant's price at `moment` as SQL: the sale price within its period, else the price."""
    return Case(
        When(sale_active_q(moment), then=F("sale_price")),
        default=F("price"),
        output_field=models.DecimalField(max_digits=10, decimal_places=2),
    )


class PriceChange(models.Model):
    """One entry of the price history: a variant's price settings from `changed_at` on.

    Written only by `shop.catalogue.services.variant_price_set` (the admin calls it too); never
    changed. The lowest price of the 30 days before a sale (§ 11 PAngV) is read from it.
    """

    variant = models.ForeignKey(
        Variant, on_delete=models.CASCADE, related_name="price_changes", verbose_name=_("variant")
    )
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    sale_price = models.DecimalField(
        _("sale price"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    sale_from = models.DateTimeField(_("sale from"), null=True, blank=True)
    sale_until = models.DateTimeField(_("sale until"), null=True, blank=True)
    changed_at = models.DateTimeField(_("price valid from"), db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("price changed by"),
    )
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("price change")
        verbose_name_plural = _("price history")
        ordering = ["variant", "changed_at", "id"]
        indexes = [models.Index(fields=["variant", "changed_at"], name="pricechange_variant_at")]

    def __str__(self):
        return f"{self.variant_id} {self.changed_at:%Y-%m-%d %H:%M}: {self.price}"

    def price_at(self, moment: dt.datetime) -> Decimal:
        """What these settings charged at `moment`."""
        if (
            self.sale_price is not None
            and (self.sale_from is None or self.sale_from <= moment)
            and (self.sale_until is None or moment < self.sale_until)
        ):
            return self.sale_price
        return self.price


class CatalogueImport(models.Model):
    """One catalogue feed from the ERP (API, admin upload or nightly file): what it changed or why
    it was refused. An admin upload is first stored as a preview (`payload`) and applied on
    confirmation; see `shop.catalogue.feed`."""

    class Source(models.TextChoices):
        API = "api", _("API")
        ADMIN = "admin", _("admin upload")
        COMMAND = "command", _("nightly file")

    class Status(models.TextChoices):
        PREVIEW = "preview", _("preview, not applied")
        APPLIED = "applied", _("applied")
        REJECTED = "rejected", _("rejected, nothing changed")
        DISCARDED = "discarded", _("discarded")

    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    full = models.BooleanField(
        _("full feed"),
        default=False,
        help_text=_("A full feed deactivates every product it does not list."),
    )
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    products = models.PositiveIntegerField(_("products in the feed"), default=0)
    summary = models.JSONField(_("changes"), default=dict, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    payload = models.JSONField(default=None, null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    class Meta:
        verbose_name = _("catalogue import")
        verbose_name_plural = _("catalogue imports")
        ordering = ["-created_at", "-id"]
        permissions = [("import_catalogue", _("Can import the catalogue feed (API scope)"))]

    def __str__(self):
        return f"{self.get_source_display()} {self.created_at:%Y-%m-%d %H:%M}"
