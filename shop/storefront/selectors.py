"""Catalogue reads shared by the shop pages and the API: search, filters, badges."""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone

from inventory.selectors import (
    NearestStock,
    availability_everywhere,
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
from shop.catalogue.selectors import ParsedQuery, parse_query, product_text_search
from shop.catalogue.versions import catalogue_version
from shop.storefront.facet_index import (
    MAX_SLOTS,
    CountRequest,
    chosen,
    facet_index,
    in_stock_variants,
)
from shop.storefront.facet_index import count as facet_count
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
    # The search columns are never shown; a tsvector is most of a product row.
    return (
        Product.objects.active()
        .defer("search_vector", "search_words")
        .annotate(
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
    )


# Price ranges of the price facet: key → (from, below); None is open.
PRICE_RANGES: dict[str, tuple[int | None, int | None]] = {
    "0-50": (None, 50),
    "50-100": (50, 100),
    "100-200": (100, 200),
    "200-": (200, None),
}
FACET_CACHE_SECONDS = 60
CLOTHING_SIZE_ORDER = ("XXS", "XS", "S", "M", "L", "XL", "XXL", "3XL")


@dataclass(frozen=True)
class ProductFilters:
    """The facets a shopper chose; several values of one facet are alternatives."""

    brands: tuple[str, ...] = ()
    sizes: tuple[str, ...] = ()
    colours: tuple[str, ...] = ()
    prices: tuple[str, ...] = ()  # keys of PRICE_RANGES

    def without(self, name: str) -> "ProductFilters":
        return replace(self, **{name: ()})

    @property
    def active(self) -> bool:
        return bool(self.brands or self.sizes or self.colours or self.prices)


@dataclass(frozen=True)
class ProductSearch:
    """A search's products in their order, and the query as understood (its corrections)."""

    products: QuerySet[Product]
    query: ParsedQuery | None


def _variant_condition(filters: ProductFilters, in_stock_store_id: int | None) -> Q | None:
    """What one variant must be: all variant facets hold for the same variant (size M in red)."""
    condition = Q()
    if filters.sizes:
        condition &= Q(size__in=filters.sizes)
    if filters.colours:
        condition &= Q(colour__in=filters.colours)
    if filters.prices:
        prices = Q()
        for key in filters.prices:
            low, high = PRICE_RANGES[key]
            bounds = Q()
            if low is not None:
                bounds &= Q(price__gte=low)
            if high is not None:
                bounds &= Q(price__lt=high)
            prices |= bounds
        condition &= prices
    if in_stock_store_id is not None:
        condition &= in_stock_filter(in_stock_store_id)
    return condition if condition else None


def _matching(
    products: QuerySet[Product],
    *,
    parsed: ParsedQuery | None,
    category_ids: Iterable[int] | None,
    brand: str,
    filters: ProductFilters,
    in_stock_store_id: int | None,
    ranked: bool = True,
) -> QuerySet[Product]:
    if parsed is not None:
        products = product_text_search(products, parsed, ranked=ranked)
    if category_ids is not None:
        products = products.filter(category_id__in=list(category_ids))
    if brand:
        products = products.filter(brand__iexact=brand)
    if filters.brands:
        products = products.filter(brand__in=filters.brands)
    variant = _variant_condition(filters, in_stock_store_id)
    if variant is not None:
        products = products.filter(Exists(_active_variants().filter(variant)))
    return products


def product_search(
    *,
    query: str = "",
    category_ids: Iterable[int] | None = None,
    in_stock_store_id: int | None = None,
    brand: str = "",
    filters: ProductFilters | None = None,
    sort: str = "",
    products: QuerySet[Product] | None = None,
) -> ProductSearch:
    """The one product search of the pages and the API.

    With a query: products matching every word (German stems, umlauts folded, compound parts,
    misspelt words corrected; see shop.catalogue.search_text) or whose SKU starts with it / EAN
    is it, best first: exact SKU/EAN, then the rank (name before brand before category before
    description). `sort` overrides the rank order; without a query the default is by name.
    `products` are the active products to search, with what the caller shows of them (by
    default the product cards).
    """
    parsed = parse_query(query) if query.strip() else None
    products = _matching(
        product_cards() if products is None else products,
        parsed=parsed,
        category_ids=category_ids,
        brand=brand,
        filters=filters or ProductFilters(),
        in_stock_store_id=in_stock_store_id,
    )
    if sort in SORTS:
        return ProductSearch(products.order_by(*SORTS[sort]), parsed)
    if parsed is not None:
        # exact SKU/EAN first (a code query), then the rank; a constant is no order (and
        # PostgreSQL refuses one in ORDER BY)
        ranks = [products.query.annotations.get(name) for name in ("exact_code", "search_rank")]
        order = [
            F(name).desc()
            for name, rank in zip(("exact_code", "search_rank"), ranks, strict=True)
            if rank is not None and not isinstance(rank, Value)
        ]
        order += [F("name").asc(), F("pk").asc()]
        return ProductSearch(products.order_by(*order), parsed)
    return ProductSearch(products.order_by(*SORTS["name"]), parsed)


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facets:
    """Counts for each value of each facet: how many products the shopper would see with that
    value chosen too (the facet's own choice left out, so alternatives keep their counts)."""

    categories: dict[int, int]  # category id → products in it or below it
    brands: list[FacetValue]
    sizes: list[FacetValue]
    colours: list[FacetValue]
    prices: list[FacetValue]
    in_stock: int | None  # None when no store is chosen
    total: int  # the products matching every filter: the list's count, without a query of its own


def product_facets(
    *,
    query: ParsedQuery | None,
    categories: Sequence[Category],
    category_ids: Iterable[int] | None,
    filters: ProductFilters,
    in_stock_store_id: int | None,
    store_id: int | None,
    price_labels: dict[str, str],
) -> Facets:
    """Every facet's counts, from the in-memory facet index (shop.storefront.facet_index): one
    query for the search's matching products (none without a search), one per store and
    minute for its stock, whatever the number of products or chosen values. A catalogue whose
    products have more variants than the index takes counts in the database (cached
    FACET_CACHE_SECONDS per combination)."""
    index = facet_index(PRICE_RANGES)
    if index.slots > MAX_SLOTS:
        return _cached_database_facets(
            query=query,
            categories=categories,
            category_ids=category_ids,
            filters=filters,
            in_stock_store_id=in_stock_store_id,
            store_id=store_id,
            price_labels=price_labels,
        )
    everything = index.all_products
    matched = everything
    if query is not None:
        ids = product_text_search(Product.objects.active(), query, ranked=False)
        matched = index.product_set(ids.order_by().values_list("pk", flat=True))
    category_set = everything
    if category_ids is not None:
        category_set = 0
        for category_id in category_ids:
            category_set |= index.categories.get(category_id, 0)
    brand_set = everything
    if filters.brands:
        brand_set = 0
        for brand in filters.brands:
            brand_set |= index.brands.get(brand, 0)

    def stock(store: int | None) -> int | None:
        if store is None:
            return None
        return in_stock_variants(index, store, FACET_CACHE_SECONDS)

    counts = facet_count(
        index,
        CountRequest(
            matched=matched,
            categories=category_set,
            brands=brand_set,
            sizes=chosen(index.sizes, filters.sizes),
            colours=chosen(index.colours, filters.colours),
            prices=chosen(index.prices, filters.prices),
            stock=stock(in_stock_store_id),
            store_stock=stock(store_id),
        ),
    )
    rows = {
        "category": {str(k): n for k, n in counts.categories.items()},
        "brand": counts.brands,
        "size": counts.sizes,
        "colour": counts.colours,
        "price": counts.prices,
    }
    if counts.in_stock is not None:
        rows["stock"] = {"": counts.in_stock}
    return _facets_from_rows(
        rows,
        categories=categories,
        category_ids=category_ids,
        filters=filters,
        store_id=store_id,
        price_labels=price_labels,
    )


def _cached_database_facets(
    *,
    query: ParsedQuery | None,
    categories: Sequence[Category],
    category_ids: Iterable[int] | None,
    filters: ProductFilters,
    in_stock_store_id: int | None,
    store_id: int | None,
    price_labels: dict[str, str],
) -> Facets:
    """The counts in one query (a UNION ALL of six grouped counts), kept FACET_CACHE_SECONDS
    per combination (a catalogue write starts afresh; stock moves show within that time)."""
    key = (
        "storefront:facets:"
        + hashlib.sha256(
            repr(
                (
                    catalogue_version(),
                    query.text if query else None,
                    sorted(category_ids) if category_ids is not None else None,
                    filters,
                    in_stock_store_id,
                    store_id,
                    sorted(price_labels.items()),
                )
            ).encode()
        ).hexdigest()
    )
    cached = cache.get(key)
    if isinstance(cached, Facets):
        return cached
    facets = database_facets(
        query=query,
        categories=categories,
        category_ids=category_ids,
        filters=filters,
        in_stock_store_id=in_stock_store_id,
        store_id=store_id,
        price_labels=price_labels,
    )
    cache.set(key, facets, FACET_CACHE_SECONDS)
    return facets


def database_facets(
    *,
    query: ParsedQuery | None,
    categories: Sequence[Category],
    category_ids: Iterable[int] | None,
    filters: ProductFilters,
    in_stock_store_id: int | None,
    store_id: int | None,
    price_labels: dict[str, str],
) -> Facets:
    base = Product.objects.active()

    def matching(**overrides: Any) -> QuerySet[Product]:
        arguments: dict[str, Any] = {
            "parsed": query,
            "category_ids": category_ids,
            "brand": "",
            "filters": filters,
            "in_stock_store_id": in_stock_store_id,
            "ranked": False,
        }
        arguments.update(overrides)
        return _matching(base, **arguments).order_by()

    def variants(without: str) -> QuerySet[Variant]:
        """Variants of the matching products that pass every variant facet but `without`."""
        products = matching(filters=ProductFilters(brands=filters.brands), in_stock_store_id=None)
        found = Variant.objects.filter(is_active=True, product__in=products.values("pk"))
        condition = _variant_condition(filters.without(without), in_stock_store_id)
        return (found.filter(condition) if condition is not None else found).order_by()

    def grouped(rows: QuerySet[Any], facet: str, value: Any, count: Any) -> QuerySet[Any]:
        return rows.values_list(
            Value(facet, output_field=CharField()),
            Cast(value, output_field=CharField()),
            count,
        )

    price_bucket = Case(
        *[
            When(_variant_condition(ProductFilters(prices=(key,)), None) or Q(), then=Value(key))
            for key in PRICE_RANGES
        ],
        output_field=CharField(),
    )
    parts = [
        grouped(
            matching(category_ids=None).values("category_id").annotate(n=Count("pk")),
            "category",
            F("category_id"),
            F("n"),
        ),
        grouped(
            matching(filters=filters.without("brands"))
            .exclude(brand="")
            .values("brand")
            .annotate(n=Count("pk")),
            "brand",
            F("brand"),
            F("n"),
        ),
        grouped(
            variants("sizes")
            .exclude(size="")
            .values("size")
            .annotate(n=Count("product_id", distinct=True)),
            "size",
            F("size"),
            F("n"),
        ),
        grouped(
            variants("colours")
            .exclude(colour="")
            .values("colour")
            .annotate(n=Count("product_id", distinct=True)),
            "colour",
            F("colour"),
            F("n"),
        ),
        grouped(
            variants("prices")
            .annotate(bucket=price_bucket)
            .values("bucket")
            .annotate(n=Count("product_id", distinct=True)),
            "price",
            F("bucket"),
            F("n"),
        ),
    ]
    if store_id is not None:
        parts.append(
            grouped(
                matching(in_stock_store_id=store_id).values("is_active").annotate(n=Count("pk")),
                "stock",
                Value(""),
                F("n"),
            )
        )
    rows: dict[str, dict[str, int]] = {}
    for facet, value, count in parts[0].union(*parts[1:], all=True):
        rows.setdefault(facet, {})[value] = count
    return _facets_from_rows(
        rows,
        categories=categories,
        category_ids=category_ids,
        filters=filters,
        store_id=store_id,
        price_labels=price_labels,
    )


def _facets_from_rows(
    rows: dict[str, dict[str, int]],
    *,
    categories: Sequence[Category],
    category_ids: Iterable[int] | None,
    filters: ProductFilters,
    store_id: int | None,
    price_labels: dict[str, str],
) -> Facets:
    """Facets from counts per facet and value (categories: own category, summed up the tree
    here; "stock": the in-stock count under the key "")."""
    parents = {c.pk: c.parent_id for c in categories}
    category_counts: dict[int, int] = {}
    wanted = None if category_ids is None else set(category_ids)
    total = 0
    for category_id, count in rows.get("category", {}).items():
        if wanted is None or int(category_id) in wanted:
            total += count
        current: int | None = int(category_id)
        while current is not None:
            category_counts[current] = category_counts.get(current, 0) + count
            current = parents.get(current)
    sizes = sorted(rows.get("size", {}).items(), key=lambda row: _size_key(row[0]))
    price_counts = rows.get("price", {})
    return Facets(
        categories=category_counts,
        brands=[
            FacetValue(b, b, n, b in filters.brands)
            for b, n in sorted(rows.get("brand", {}).items())
        ],
        sizes=[FacetValue(v, v, n, v in filters.sizes) for v, n in sizes],
        colours=[
            FacetValue(v, v, n, v in filters.colours)
            for v, n in sorted(rows.get("colour", {}).items())
        ],
        prices=[
            FacetValue(
                key, price_labels.get(key, key), price_counts.get(key, 0), key in filters.prices
            )
            for key in PRICE_RANGES
        ],
        in_stock=sum(rows.get("stock", {}).values()) if store_id is not None else None,
        total=total,
    )


def _size_key(size: str) -> tuple[int, float, str]:
    if size in CLOTHING_SIZE_ORDER:
        return (0, CLOTHING_SIZE_ORDER.index(size), size)
    try:
        return (1, float(size.replace(",", ".")), size)
    except ValueError:
        return (2, 0.0, size)


def with_variants_and_images(products: QuerySet[Product]) -> QuerySet[Product]:
    """Products with their category, active variants and images loaded, for the API."""
    return products.select_related("category").prefetch_related(
        Prefetch("variants", queryset=Variant.objects.filter(is_active=True)),
        Prefetch("images", queryset=ProductImage.objects.all()),
    )


def product_list_items() -> QuerySet[Product]:
    """Active products with what the list API shows of each (no texts, no card prices: its
    variants carry their prices), for `product_search(products=…)`."""
    return with_variants_and_images(
        Product.objects.active().only("category", "name", "slug", "brand", "tax_class")
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


# --- the product page's colour and size pickers -------------------------------------------------


@dataclass(frozen=True)
class ColourChoice:
    """One colour of a product: its lowest current price, whether any size of it can be had
    anywhere, and its first picture (for the swatch)."""

    name: str
    chosen: bool
    price: Decimal  # the lowest current price of the colour's variants
    sold_out: bool
    image: ProductImage | None


@dataclass(frozen=True)
class SizeChoice:
    """One size of the chosen colour: sold out everywhere (greyed, not selectable), or not at
    "my store" (marked; it can be collected elsewhere), or available there."""

    name: str
    variant: Variant
    chosen: bool
    sold_out: bool
    not_at_my_store: bool


@dataclass(frozen=True)
class VariantPicker:
    variant: Variant
    colours: list[ColourChoice]  # empty: the product comes in one colour (or none named)
    sizes: list[SizeChoice]  # the chosen colour's sizes; empty: no size to choose
    images: list[ProductImage]  # the pictures for the chosen colour, its own first
    has_store: bool


def _resolve_variant(
    variants: Sequence[Variant],
    units: dict[int, int],
    *,
    variant_id: str,
    colour: str,
    size: str,
) -> Variant:
    """The variant a request asks for: by colour and size (the pickers' GET form), else by id
    (`?variant=`, links and the cart), else the first that can be had somewhere. A size the
    colour lacks or has sold out everywhere keeps the colour and takes its first size that can
    be had (switching from blue L to red keeps L only if red L can be had)."""
    in_stock = sorted(variants, key=lambda v: units.get(v.pk, 0) <= 0)  # stable: order kept
    if colour or size:
        same_colour = [v for v in in_stock if v.colour == colour] or list(in_stock)
        exact = next((v for v in same_colour if v.size == size), None)
        if exact is not None and (
            units.get(exact.pk, 0) > 0 or units.get(same_colour[0].pk, 0) <= 0
        ):
            return exact
        if exact is not None or (colour and any(v.colour == colour for v in variants)):
            return same_colour[0]
    by_id = next((v for v in variants if str(v.pk) == variant_id), None)
    return by_id or in_stock[0]


def variant_picker(
    *,
    variants: Sequence[Variant],
    images: Sequence[ProductImage],
    store: Store | None,
    variant_id: str = "",
    colour: str = "",
    size: str = "",
) -> VariantPicker | None:
    """The colour and size pickers of a product page, in one query (the units everywhere and at
    my store). None when the variants are not one per colour and size (then the page lists
    them one by one)."""
    if not variants:
        return None
    keys = {(v.colour, v.size) for v in variants}
    if len(keys) != len(variants):
        return None
    ids = [v.pk for v in variants]
    stock = availability_everywhere(ids, store.pk if store is not None else None)
    units = {pk: total for pk, (total, _mine) in stock.items()}
    mine = {pk: here for pk, (_total, here) in stock.items()}
    variant = _resolve_variant(variants, units, variant_id=variant_id, colour=colour, size=size)
    colour_images: dict[str, ProductImage] = {}
    for image in images:
        colour_images.setdefault(image.colour, image)
    names: list[str] = list(dict.fromkeys(v.colour for v in variants))
    colours = []
    if len(names) > 1 or names[0]:
        for name in names:
            of_colour = [v for v in variants if v.colour == name]
            colours.append(
                ColourChoice(
                    name=name,
                    chosen=name == variant.colour,
                    price=min(v.current_price for v in of_colour),
                    sold_out=all(units.get(v.pk, 0) <= 0 for v in of_colour),
                    image=colour_images.get(name),
                )
            )
    sizes = [
        SizeChoice(
            name=v.size,
            variant=v,
            chosen=v.pk == variant.pk,
            sold_out=units.get(v.pk, 0) <= 0,
            not_at_my_store=store is not None and mine.get(v.pk, 0) <= 0,
        )
        for v in sorted(
            (v for v in variants if v.colour == variant.colour and v.size),
            key=lambda v: _size_key(v.size),
        )
    ]
    own = [image for image in images if image.colour and image.colour == variant.colour]
    shared = [image for image in images if not image.colour]
    return VariantPicker(
        variant=variant,
        colours=colours,
        sizes=sizes,
        images=own + shared or list(images),
        has_store=store is not None,
    )
