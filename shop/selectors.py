"""Catalogue reads shared by the product pages and the API."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from inventory.selectors import in_stock_filter
from stores.models import Store

from .models import Category, Product, ProductImage, Variant


def category_and_descendants(category: Category) -> list[int]:
    """Ids of a category and every category below it (one query over the small tree)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    ids, todo = [], [category.pk]
    while todo:
        pk = todo.pop()
        ids.append(pk)
        todo.extend(children.get(pk, []))
    return ids


def products_for_listing() -> QuerySet[Product]:
    """Active products with their category, active variants and images, in a fixed order."""
    return (
        Product.objects.active()
        .select_related("category")
        .prefetch_related(
            Prefetch("variants", queryset=Variant.objects.filter(is_active=True)),
            Prefetch("images", queryset=ProductImage.objects.all()),
        )
        .order_by("name", "pk")
    )


def products_search(
    *,
    query: str = "",
    category: Category | None = None,
    brand: str = "",
    in_stock_at: Store | None = None,
    queryset: QuerySet[Product] | None = None,
) -> QuerySet[Product]:
    """Filter products: every word of `query` must occur in the name, brand or description, or
    match a variant's SKU or EAN; `category` includes its subcategories; `in_stock_at` keeps
    products with units available at that store."""
    qs = queryset if queryset is not None else products_for_listing()
    for word in query.split():
        variant_match = Variant.objects.filter(product=OuterRef("pk"), is_active=True).filter(
            Q(sku__icontains=word) | Q(ean=word)
        )
        qs = qs.filter(
            Q(name__icontains=word)
            | Q(brand__icontains=word)
            | Q(description__icontains=word)
            | Exists(variant_match)
        )
    if category is not None:
        qs = qs.filter(category_id__in=category_and_descendants(category))
    if brand:
        qs = qs.filter(brand__iexact=brand)
    if in_stock_at is not None:
        available = Variant.objects.filter(product=OuterRef("pk"), is_active=True).filter(
            in_stock_filter(in_stock_at.pk)
        )
        qs = qs.filter(Exists(available))
    return qs
