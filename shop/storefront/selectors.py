"""Catalogue reads shared by the shop pages (and open to the API): search, filters, badges."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.utils import timezone

from inventory.selectors import (
    NearestStock,
    in_stock_filter,
    nearest_store_having_products,
    product_availability_at_store,
)
from shop.catalogue.models import (
    Category,
    Product,
    ProductImage,
    Variant,
    current_price_expression,
    sale_active_q,
)
from stores.geo import Point
from stores.models import Store

LOW_STOCK_MAX = 3

SORTS = {
    "name": (F("name").asc(), F("pk").asc()),
    "price_asc": (F("price_min").asc(nulls_last=True), F("name").asc(), F("pk").asc()),
    "price_desc": (F("price_max").desc(nulls_last=True), F("name").asc(), F("pk").asc()),
    # the primary key follows creation and is indexed, unlike created_at
    "newest": (F("pk").desc(),),
}


def category_descendant_ids(categories: Sequence[Category], root: Category) -> set[int]:
    """Ids of `root` and every category below it, from an already loaded list of categories."""
    children: dict[int | None, list[int]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category.pk)
    found, stack = set(), [root.pk]
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, []))
    return found


def _active_variants() -> QuerySet[Variant]:
    return Variant.objects.filter(product=OuterRef("pk"), is_active=True)


def product_cards() -> QuerySet[Product]:
    """Active products with what a product card shows: price range (None when no variant is on
    sale) and thumbnail. Products are not filtered on having variants: that check made counting
    the list ten times slower, and a product without one shows as "currently not available"."""
    first_image = ProductImage.objects.filter(product=OuterRef("pk")).order_by("position", "pk")
    now = timezone.now()
    current = current_price_expression(now)
    prices = _active_variants().order_by().values("product")
    cheapest = (
        _active_variants()
        .annotate(
            current=current,
            sale_running=Case(
                When(sale_active_q(now), then=True), default=False, output_field=BooleanField()
            ),
        )
        .order_by("current", "position", "pk")
    )
    return Product.objects.active().annotate(
        # Prices as they are now: the sale price of a variant on sale.
        price_min=Subquery(prices.annotate(v=Min(current)).values("v")[:1]),
        price_max=Subquery(prices.annotate(v=Max(current)).values("v")[:1]),
        # The reference price (§ 11 PAngV) when the cheapest variant is on sale, else None.
        cheapest_on_sale=Subquery(cheapest.values("sale_running")[:1]),
        cheapest_reference_price=Subquery(cheapest.values("sale_reference_price")[:1]),
        # The content of the cheapest variant, for the base price next to the card's price.
        cheapest_net_quantity=Subquery(cheapest.values("net_quantity")[:1]),
        cheapest_quantity_unit=Subquery(cheapest.values("quantity_unit")[:1]),
        thumbnail=Subquery(first_image.values("thumbnail")[:1]),
        thumbnail_alt=Subquery(first_image.values("alt_text")[:1]),
    )


def product_search(
    *,
    query: str = "",
    category_ids: Iterable[int] | None = None,
    in_stock_store_id: int | None = None,
    brand: str = "",
    sort: str = "name",
) -> QuerySet[Product]:
    """Products matching every word of `query` in name, description, brand or a SKU/EAN."""
    products = product_cards()
    for word in query.split()[:8]:
        sku_match = _active_variants().filter(Q(sku__icontains=word) | Q(ean=word))
        products = products.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(brand__icontains=word)
            | Exists(sku_match)
        )
    if category_ids is not None:
        products = products.filter(category_id__in=list(category_ids))
    if brand:
        products = products.filter(brand__iexact=brand)
    if in_stock_store_id is not None:
        products = products.filter(
            Exists(_active_variants().filter(in_stock_filter(in_stock_store_id)))
        )
    return products.order_by(*SORTS.get(sort, SORTS["name"]))


def with_variants_and_images(products: QuerySet[Product]) -> QuerySet[Product]:
    """Products with their category, active variants and images loaded, for the API."""
    return products.select_related("category").prefetch_related(
        Prefetch("variants", queryset=Variant.objects.filter(is_active=True)),
        Prefetch("images", queryset=ProductImage.objects.all()),
    )


@dataclass(frozen=True)
class StoreBadge:
    """What "my store" has of a product: in stock, only a few left, or not here."""

    units: int
    nearest: NearestStock | None = None

    @property
    def state(self) -> str:
        if self.units > LOW_STOCK_MAX:
            return "in-stock"
        return "low-stock" if self.units > 0 else "out-of-stock"


def attach_store_badges(products: Sequence[Product], store: Store | None) -> None:
    """Set `product.badge` for the page's products at `store`, in two queries whatever the page size:
    the store's units per product, then the nearest store that has each product not here."""
    if store is None or not products:
        return
    ids = [p.pk for p in products]
    units = product_availability_at_store(store.pk, ids)
    missing = [pk for pk in ids if not units.get(pk)]
    origin = Point(float(store.latitude), float(store.longitude))
    nearest = nearest_store_having_products(missing, origin, exclude_store_id=store.pk)
    for product in products:
        # A display attribute for the product card template, not a model field.
        product.badge = StoreBadge(units.get(product.pk) or 0, nearest.get(product.pk))  # type: ignore[attr-defined]
