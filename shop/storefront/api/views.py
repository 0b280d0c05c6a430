from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from core.api import BAD_REQUEST, NOT_FOUND
from shop.catalogue.models import Category, Product
from shop.storefront.cached_results import product_availability
from shop.storefront.selectors import (
    category_descendant_ids,
    product_list_items,
    product_search,
    with_variants_and_images,
)
from stores.api.params import NEAR, near_from_query, store_from_query

from .answers import answer_key, answer_seconds
from .serializers import ProductAvailabilitySerializer, ProductDetailSerializer, ProductSerializer

TAG = "Catalogue"


def _product_or_404(slug: str, queryset=None) -> Product:
    product = (queryset if queryset is not None else Product.objects.active()).filter(slug=slug)
    product = product.first()
    if product is None:
        raise NotFound(_("There is no product “%(slug)s”.") % {"slug": slug})
    return product


@extend_schema(
    tags=[TAG],
    summary="List and search products",
    parameters=[
        OpenApiParameter(
            "q",
            OpenApiTypes.STR,
            description="Words to find in name, brand, category, description, SKU or EAN "
            "(German stems, umlauts folded, compound parts, misspellings corrected). "
            "Results come best match first: exact SKU/EAN, then name, brand, category, "
            "description.",
        ),
        OpenApiParameter(
            "category", OpenApiTypes.STR, description="Category slug; includes its subcategories."
        ),
        OpenApiParameter("brand", OpenApiTypes.STR, description="Exact brand name."),
        OpenApiParameter(
            "in_stock_at",
            OpenApiTypes.STR,
            description="Store code: only products with units available there.",
        ),
    ],
    responses={200: ProductSerializer(many=True), 400: BAD_REQUEST},
)
class ProductListView(generics.ListAPIView):
    serializer_class = ProductSerializer
    permission_classes = [AllowAny]

    def list(self, request, *args, **kwargs):
        key = answer_key(request)
        body = cache.get(key) if key is not None else None
        if body is None:
            priced_at = timezone.now()
            page = self.paginate_queryset(self.get_queryset())
            data = self.get_paginated_response(self.get_serializer(page, many=True).data).data
            body = request.accepted_renderer.render(
                data, request.accepted_media_type, self.get_renderer_context()
            )
            if key is not None and (seconds := answer_seconds(page, priced_at=priced_at)):
                cache.set(key, body, seconds)
        return HttpResponse(body, content_type=request.accepted_media_type)

    def get_queryset(self):
        params = self.request.query_params
        category = None
        if slug := params.get("category"):
            category = Category.objects.filter(slug=slug).first()
            if category is None:
                raise ValidationError(
                    {"category": [_("There is no category “%(slug)s”.") % {"slug": slug}]}
                )
        in_stock_at = store_from_query(self.request, "in_stock_at")
        return product_search(
            query=params.get("q", ""),
            category_ids=None
            if category is None
            else category_descendant_ids(list(Category.objects.all()), category),
            brand=params.get("brand", "").strip(),
            in_stock_store_id=None if in_stock_at is None else in_stock_at.pk,
            products=product_list_items(),
        ).products


@extend_schema(
    tags=[TAG],
    summary="One product with its variants, prices and pictures",
    responses={200: ProductDetailSerializer, 404: NOT_FOUND},
)
class ProductDetailView(generics.RetrieveAPIView):
    serializer_class = ProductDetailSerializer
    permission_classes = [AllowAny]

    def get_object(self):
        return _product_or_404(
            self.kwargs["slug"],
            with_variants_and_images(Product.objects.active().select_related("manufacturer")),
        )


@extend_schema(
    tags=[TAG],
    summary="Where a product is available, per store and variant",
    description="Every active store with the units available online now, per variant and in "
    "total; nearest first when `near` is given, otherwise by name.",
    parameters=[NEAR],
    responses={200: ProductAvailabilitySerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
)
class ProductAvailabilityView(APIView):
    permission_classes = [AllowAny]

    def get(self, request, slug):
        body = product_availability(slug=slug, near=near_from_query(request))
        if body is None:
            _product_or_404(slug)
        # Built directly in the documented shape (ProductAvailabilitySerializer) and kept as
        # JSON: this endpoint is polled by apps and the product page, so it skips serializer
        # and renderer (the content negotiation ran before, in `initial`).
        return HttpResponse(body, content_type="application/json")
