from django.conf import settings
from django.urls import reverse
from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shop.catalogue.api import BasePriceSerializer
from shop.catalogue.models import Category, Manufacturer, Product, ProductImage, Variant


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["slug", "name"]


class SaleSerializer(serializers.Serializer):
    """A running sale: the reduced price, its period and the lowest price of the 30 days before
    it started (the reference price of § 11 PAngV)."""

    price = serializers.DecimalField(max_digits=10, decimal_places=2, source="sale_price")
    starts = serializers.DateTimeField(source="sale_from", allow_null=True)
    ends = serializers.DateTimeField(source="sale_until", allow_null=True)
    reference_price = serializers.DecimalField(
        max_digits=10, decimal_places=2, source="sale_reference_price", allow_null=True
    )


class VariantSerializer(serializers.ModelSerializer):
    price = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        source="current_price",
        read_only=True,
        help_text="What the variant costs now (the sale price during a sale), VAT included.",
    )
    regular_price = serializers.DecimalField(
        max_digits=10, decimal_places=2, source="price", read_only=True
    )
    sale = serializers.SerializerMethodField()
    base_price = BasePriceSerializer(
        read_only=True,
        allow_null=True,
        help_text="Price per 1 kg, 1 l, 1 m, 1 m² (100 g / 100 ml for packs of up to 250 g/ml); "
        "null for goods sold by the piece.",
    )

    class Meta:
        model = Variant
        fields = [
            "sku",
            "ean",
            "size",
            "colour",
            "label",
            "price",
            "regular_price",
            "sale",
            "net_quantity",
            "quantity_unit",
            "base_price",
        ]

    @extend_schema_field(SaleSerializer(allow_null=True))
    def get_sale(self, variant):
        return SaleSerializer(variant).data if variant.on_sale else None

    def to_representation(self, variant):
        """What the declared fields give (tests/api/test_products_api.py compares both),
        written out: a page of products carries hundreds of variants, and DRF's loop over the
        fields was most of the list's time."""
        fields = self.fields
        base = variant.base_price
        return {
            "sku": variant.sku,
            "ean": variant.ean,
            "size": variant.size,
            "colour": variant.colour,
            "label": variant.label,
            "price": fields["price"].to_representation(variant.current_price),
            "regular_price": fields["regular_price"].to_representation(variant.price),
            "sale": self.get_sale(variant),
            "net_quantity": None
            if variant.net_quantity is None
            else fields["net_quantity"].to_representation(variant.net_quantity),
            "quantity_unit": variant.quantity_unit,
            "base_price": None if base is None else fields["base_price"].to_representation(base),
        }


class ImageSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = ProductImage
        fields = ["url", "thumbnail_url", "alt_text"]

    def _absolute(self, field) -> str | None:
        if not field:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(field.url) if request else field.url

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, image) -> str | None:
        return self._absolute(image.image)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_thumbnail_url(self, image) -> str | None:
        return self._absolute(image.thumbnail)

    def to_representation(self, image):
        """What the declared fields give, written out (one picture per product of a list)."""
        return {
            "url": self.get_url(image),
            "thumbnail_url": self.get_thumbnail_url(image),
            "alt_text": image.alt_text,
        }


# A slug in place of each product's: a list reverses its two links once (a reverse per product
# and link was a fifth of its time). Slugs are URL-safe, so putting one in changes nothing else.
_SLUG = "--slug--"


class ProductSerializer(serializers.ModelSerializer):
    """A product as listed: its variants with prices and its first picture."""

    category = CategorySerializer()
    url = serializers.HyperlinkedIdentityField(
        view_name="api-product-detail", lookup_field="slug", read_only=True
    )
    web_url = serializers.SerializerMethodField()
    currency = serializers.SerializerMethodField()
    price_from = serializers.SerializerMethodField()
    image = serializers.SerializerMethodField()
    variants = VariantSerializer(many=True)
    vat_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        read_only=True,
        help_text="VAT rate in per cent, included in every price (19.00, 7.00 or 0.00).",
    )

    class Meta:
        model = Product
        fields = [
            "slug",
            "name",
            "brand",
            "category",
            "url",
            "web_url",
            "currency",
            "vat_rate",
            "price_from",
            "image",
            "variants",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_web_url(self, product) -> str:
        request = self.context.get("request")
        path = product.get_absolute_url()
        return request.build_absolute_uri(path) if request else path

    def get_currency(self, product) -> str:
        return settings.CURRENCY

    @extend_schema_field({"type": "string", "format": "decimal", "nullable": True})
    def get_price_from(self, product) -> str | None:
        prices = [v.current_price for v in product.variants.all()]
        return f"{min(prices):.2f}" if prices else None

    @extend_schema_field(ImageSerializer(allow_null=True))
    def get_image(self, product):
        images = product.images.all()
        if not images:
            return None
        if not hasattr(self, "_image_serializer"):  # built once per list, not per product
            self._image_serializer = ImageSerializer(context=self.context)
        return self._image_serializer.to_representation(images[0])

    @cached_property
    def _paths(self) -> tuple[str, str]:
        return (
            reverse("api-product-detail", kwargs={"slug": _SLUG}),
            reverse("shop:product_detail", kwargs={"slug": _SLUG}),
        )

    def to_representation(self, product):
        """What the declared fields give (tests/api/test_products_api.py compares both),
        written out for the list of up to 100 products."""
        fields = self.fields
        absolute = self.context["request"].build_absolute_uri  # `url` needs the request too
        api_path, page_path = self._paths
        return {
            "slug": product.slug,
            "name": product.name,
            "brand": product.brand,
            "category": {"slug": product.category.slug, "name": product.category.name},
            "url": absolute(api_path.replace(_SLUG, product.slug)),
            "web_url": absolute(page_path.replace(_SLUG, product.slug)),
            "currency": settings.CURRENCY,
            "vat_rate": fields["vat_rate"].to_representation(product.vat_rate),
            "price_from": self.get_price_from(product),
            "image": self.get_image(product),
            "variants": fields["variants"].to_representation(product.variants.all()),
        }


class ResponsiblePersonSerializer(serializers.Serializer):
    name = serializers.CharField(source="responsible_name")
    address = serializers.CharField(source="responsible_address")
    email = serializers.EmailField(source="responsible_email")


class ManufacturerSerializer(serializers.ModelSerializer):
    """The manufacturer (GPSR): name, postal and electronic address, and for one outside the EU
    the responsible person in the EU."""

    responsible_person = serializers.SerializerMethodField()

    class Meta:
        model = Manufacturer
        fields = ["name", "address", "country", "email", "website", "responsible_person"]

    @extend_schema_field(ResponsiblePersonSerializer(allow_null=True))
    def get_responsible_person(self, maker):
        return ResponsiblePersonSerializer(maker).data if maker.responsible_name else None


class ProductDetailSerializer(ProductSerializer):
    manufacturer = ManufacturerSerializer(read_only=True, allow_null=True)
    safety_warnings = serializers.SerializerMethodField()

    availability_url = serializers.HyperlinkedIdentityField(
        view_name="api-product-availability", lookup_field="slug", read_only=True
    )
    images = ImageSerializer(many=True)

    class Meta(ProductSerializer.Meta):
        fields = [
            *ProductSerializer.Meta.fields,
            "description",
            "manufacturer",
            "safety_warnings",
            "images",
            "availability_url",
        ]

    # one product: the declared fields as DRF reads them, no list to be fast for
    to_representation = serializers.ModelSerializer.to_representation

    def get_safety_warnings(self, product) -> list[str]:
        return [line.strip() for line in product.safety_information.splitlines() if line.strip()]


class VariantLabelSerializer(serializers.Serializer):
    sku = serializers.CharField()
    label = serializers.CharField(help_text="Colour / size.")


class StoreAvailabilitySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    city = serializers.CharField()
    pickup_enabled = serializers.BooleanField()
    distance_km = serializers.FloatField(
        allow_null=True, help_text="Only when `near` is given; otherwise null."
    )
    total = serializers.IntegerField(help_text="Units of all variants together.")
    available = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Units that can be reserved online now, by SKU (every variant listed).",
    )


class ProductAvailabilitySerializer(serializers.Serializer):
    product = serializers.CharField(help_text="The product's slug.")
    variants = VariantLabelSerializer(many=True)
    stores = StoreAvailabilitySerializer(many=True)
