from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
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
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

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

    @property
    def base_price(self) -> BasePrice | None:
        """The price per kg, l, m or m² (or 100 g / 100 ml); None for goods sold by the piece."""
        return base_price(price=self.price, net_quantity=self.net_quantity, unit=self.quantity_unit)
