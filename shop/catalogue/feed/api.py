"""`POST /api/v1/catalogue/import/`: the ERP's catalogue feed (a staff token with the catalogue
scope, i.e. the permission `shop.import_catalogue`)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.catalogue.base_prices import QuantityUnit
from shop.catalogue.models import CatalogueImport, TaxClass

from .reading import feed_from_data
from .services import MAX_PRODUCTS, MAX_VARIANTS_PER_PRODUCT, catalogue_feed_import

SCOPE = "shop.import_catalogue"


class CanImportCatalogue(BasePermission):
    """An active staff member whose permissions include the catalogue scope."""

    message = _("Importing the catalogue needs a staff token with the catalogue scope.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_active and user.is_staff and user.has_perm(SCOPE))


class FeedVariantSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=40, help_text="Unique; identifies the variant.")
    ean = serializers.RegexField(r"^(\d{8}|\d{13})$", required=False, allow_blank=True)
    size = serializers.CharField(max_length=20, required=False, allow_blank=True)
    colour = serializers.CharField(max_length=40, required=False, allow_blank=True)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    net_quantity = serializers.DecimalField(
        max_digits=10, decimal_places=3, required=False, allow_null=True
    )
    quantity_unit = serializers.ChoiceField(QuantityUnit.choices, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False, default=True)
    sale_price = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="Absent: the sale stays as it is. null: no sale. Lower than the price.",
    )
    sale_from = serializers.DateTimeField(required=False, allow_null=True)
    sale_until = serializers.DateTimeField(required=False, allow_null=True)


class FeedProductSerializer(serializers.Serializer):
    slug = serializers.SlugField(
        max_length=220,
        required=False,
        help_text="For a new product; default: from its name and first SKU.",
    )
    name = serializers.CharField(max_length=200)
    category = serializers.SlugField(help_text="The slug of an existing category.")
    brand = serializers.CharField(max_length=100, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    tax_class = serializers.ChoiceField(TaxClass.choices, required=False)
    active = serializers.BooleanField(required=False, default=True)
    variants = FeedVariantSerializer(many=True, max_length=MAX_VARIANTS_PER_PRODUCT)


class FeedSerializer(serializers.Serializer):
    full = serializers.BooleanField(
        required=False,
        default=False,
        help_text="A full feed deactivates every active product it does not list.",
    )
    products = FeedProductSerializer(many=True, max_length=MAX_PRODUCTS)


class FeedProblemSerializer(serializers.Serializer):
    product = serializers.IntegerField(help_text="Position of the product in `products`, from 0.")
    variant = serializers.IntegerField(
        allow_null=True, help_text="Position of the variant in its product, from 0."
    )
    line = serializers.IntegerField(allow_null=True, help_text="The file's line (files only).")
    field = serializers.CharField()
    reason = serializers.CharField()


class FeedRejectedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = FeedProblemSerializer(many=True)


class FeedReportSerializer(serializers.Serializer):
    applied = serializers.BooleanField(help_text="false for a dry run.")
    import_id = serializers.IntegerField(allow_null=True)
    products = serializers.IntegerField()
    products_created = serializers.IntegerField()
    products_updated = serializers.IntegerField()
    products_deactivated = serializers.IntegerField()
    variants_created = serializers.IntegerField()
    variants_updated = serializers.IntegerField()
    variants_deactivated = serializers.IntegerField()
    price_changes = serializers.IntegerField()


class CatalogueImportView(APIView):
    """Products and variants from the ERP, idempotent by SKU.

    The feed is checked as a whole: any bad row rejects it (400, every problem by the
    product's and variant's position, field and reason) and nothing changes. A listed product's
    variants that the feed leaves out are deactivated; with `full` every product the feed does
    not list is deactivated too. Nothing is deleted. Price changes enter the price history.
    """

    permission_classes = [CanImportCatalogue]

    @extend_schema(
        summary="Import the catalogue feed",
        request=FeedSerializer,
        parameters=[
            OpenApiParameter(
                "dry_run",
                bool,
                description="Check and count the changes without applying them.",
            )
        ],
        responses={
            200: FeedReportSerializer,
            400: OpenApiResponse(FeedRejectedSerializer, description="Nothing was changed."),
        },
    )
    def post(self, request):
        products, full = feed_from_data(request.data)
        dry_run = request.query_params.get("dry_run", "").lower() in {"1", "true", "yes"}
        report = catalogue_feed_import(
            feed=products,
            full=full,
            source=CatalogueImport.Source.API,
            actor=request.user,
            dry_run=dry_run,
        )
        return Response(
            {
                "applied": report.applied,
                "import_id": report.import_id,
                "products": report.products,
                **report.counts(),
            }
        )
