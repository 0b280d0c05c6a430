from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, RowNumber

from accounts.types import AnyUser
from shop.catalogue.models import Product, Variant
from stores.geo import Point, distance_km, distance_km_expression
from stores.models import StaffRole, Store
from stores.selectors import staff_stores

from .models import CountStatus, StockCount, StockCountLine, StockLevel, StockShortfall

if TYPE_CHECKING:  # django-stubs-ext is a dev dependency: the alias exists for mypy only
    from django_stubs_ext import WithAnnotations


class Availability(TypedDict):
    available: int


StoreWithAvailability: TypeAlias = "WithAnnotations[Store, Availability]"

AVAILABLE = Greatest(F("on_hand") - F("reserved") - F("safety_buffer"), Value(0))


def availability_at_store(store_id: int, variant_ids: Iterable[int]) -> dict[int, int]:
    """Units available online for each variant at one store, in one query (missing rows are 0)."""
    rows = StockLevel.objects.filter(
        store_id=store_id, variant_id__in=list(variant_ids)
    ).values_list("variant_id", AVAILABLE)
    return dict(rows)


def availability_everywhere(
    variant_ids: Iterable[int], store_id: int | None = None
) -> dict[int, tuple[int, int]]:
    """{variant_id: (units for pickup over every active pickup store, units at `store_id`)} in
    one query; variants without a stock row are missing."""
    everywhere = Q(store__is_active=True, store__pickup_enabled=True)
    rows = (
        StockLevel.objects.filter(variant_id__in=list(variant_ids))
        .order_by()
        .values("variant_id")
        .annotate(
            everywhere=Sum(AVAILABLE, filter=everywhere),
            mine=Sum(AVAILABLE, filter=Q(store_id=store_id)),
        )
        .values_list("variant_id", "everywhere", "mine")
    )
    return {pk: (int(total or 0), int(mine or 0)) for pk, total, mine in rows}


def product_availability_at_store(store_id: int, product_ids: Iterable[int]) -> dict[int, int]:
    """Units available per product (all its variants together) at one store, in one query.

    A subquery per product walks the product's few variants and their stock rows by index; a
    join over the store's whole stock (tens of thousands of rows in a chain) was ten times slower.
    Products without a stock row at the store are missing from the result.
    """
    units = (
        StockLevel.objects.filter(store_id=store_id, variant__product_id=OuterRef("pk"))
        .order_by()
        .values("variant__product_id")
        .annotate(units=Sum(AVAILABLE))
        .values("units")
    )
    rows = (
        Product.objects.filter(pk__in=list(product_ids))
        .order_by()
        .annotate(units=Subquery(units, output_field=IntegerField()))
        .values_list("pk", "units")
    )
    return {pk: units for pk, units in rows if units is not None}


def stores_with_availability(
    variant_ids: Iterable[int], origin: Point | None
) -> QuerySet[StoreWithAvailability]:
    """Every active store with `available` units of the given variants, nearest first, in one query."""
    variant_ids = list(variant_ids)
    units = (
        StockLevel.objects.filter(store_id=OuterRef("pk"), variant_id__in=variant_ids)
        .values("store_id")
        .annotate(units=Sum(AVAILABLE))
        .values("units")
    )
    qs = Store.objects.active().annotate(
        available=Coalesce(Subquery(units, output_field=IntegerField()), Value(0))
    )
    if origin is None:
        return qs.order_by("name")
    return qs.annotate(distance_km=distance_km_expression(origin)).order_by("distance_km", "name")


def in_stock_filter(store_id: int, prefix: str = "") -> Q:
    """A filter for products (prefix "") or variants having units available at a store."""
    level = f"{prefix}stock_levels__"
    return Q(**{f"{level}store_id": store_id}) & Q(
        **{f"{level}on_hand__gt": F(f"{level}reserved") + F(f"{level}safety_buffer")}
    )


@dataclass(frozen=True)
class NearestStock:
    store_id: int
    store_name: str
    store_city: str
    distance_km: float


def nearest_store_having_products(
    product_ids: Iterable[int], origin: Point, exclude_store_id: int | None = None
) -> dict[int, NearestStock]:
    """For each product, the nearest other active store with units of it available, in one query.

    Products no store has are missing from the result. A window function ranks the stores per
    product by distance, so the database returns one row per product (PostgreSQL and SQLite).
    """
    product_ids = list(product_ids)
    if not product_ids:
        return {}
    levels = StockLevel.objects.filter(
        variant__product_id__in=product_ids,
        store__is_active=True,
        on_hand__gt=F("reserved") + F("safety_buffer"),
    )
    if exclude_store_id is not None:
        levels = levels.exclude(store_id=exclude_store_id)
    distance = distance_km_expression(origin, "store__latitude", "store__longitude")
    rows = (
        levels.annotate(
            product_id=F("variant__product_id"),
            distance_km=distance,
            rank=Window(
                RowNumber(),
                partition_by=[F("variant__product_id")],
                order_by=[distance.asc(), F("store_id").asc()],
            ),
        )
        .filter(rank=1)
        .values_list("product_id", "store_id", "store__name", "store__city", "distance_km")
    )
    return {
        product_id: NearestStock(store_id, name, city, distance_km)
        for product_id, store_id, name, city, distance_km in rows
    }


def shortfalls_for_references(
    references: Iterable[str], *, include_resolved: bool = False
) -> dict[str, list[StockShortfall]]:
    """Units pickup orders lost to the shelf, by order reference (= order number), in one query.

    For the orders admin and desk: `shortfalls_for_references([o.number for o in page])` gives
    {number: [StockShortfall, …]} (variant and store loaded), empty for orders that lost nothing.
    """
    rows = StockShortfall.objects.filter(reference__in=list(references)).select_related(
        "variant", "store"
    )
    if not include_resolved:
        rows = rows.filter(resolved=False)
    found: dict[str, list[StockShortfall]] = {}
    for row in rows.order_by("created_at", "pk"):
        found.setdefault(row.reference, []).append(row)
    return found


def low_stock_for_staff(user: AnyUser) -> QuerySet[StockLevel]:
    """Stock rows at or below their reorder point in the stores this user works for, worst first."""
    return (
        StockLevel.objects.below_reorder_point()
        .filter(store__in=staff_stores(user=user))
        .select_related("store", "variant__product")
        .annotate(missing=F("reorder_point") - F("on_hand"))
        .order_by("store__name", "-missing", "variant__sku")
    )


@dataclass
class StoreStock:
    """What one store has of a set of variants: {variant_id: available units}."""

    store_id: int
    code: str
    name: str
    city: str
    pickup_enabled: bool
    distance_km: float | None
    units: dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.units.values())


def product_stock_by_store(
    product_slug: str, origin: Point | None
) -> tuple[list[Variant], list[StoreStock]]:
    """The active variants of an active product (in their order) and every active store,
    nearest first (by name without an origin), with the units available of each variant — one
    query (variants × stores, LEFT JOIN the stock rows), however many stores and variants.

    The variants are empty for an unknown or inactive product or one with nothing on sale (the
    stores then have no units). The availability API calls this on every poll, so it is plain
    SQL (the same on PostgreSQL and SQLite) with distances and ordering done here: building the
    equivalent ORM queries cost several times the CPU of running them.
    """
    # Only table names are formatted in; values travel as parameters. The stock rows are
    # joined as "rows of this product's variants" (by slug once more) so that PostgreSQL reads
    # them in one index scan per variant and hashes them, instead of probing per store × variant.
    variant, product = Variant._meta.db_table, Product._meta.db_table
    sql = (
        "SELECT v.id, v.sku, v.colour, v.size, s.id, s.code, s.name, s.city, s.pickup_enabled,"  # noqa: S608
        " s.latitude, s.longitude, l.on_hand - l.reserved - l.safety_buffer"
        f" FROM {variant} v JOIN {product} p ON p.id = v.product_id"
        f" CROSS JOIN {Store._meta.db_table} s"
        f" LEFT JOIN ({StockLevel._meta.db_table} l JOIN {variant} lv ON lv.id = l.variant_id"
        f"  JOIN {product} lp ON lp.id = lv.product_id AND lp.slug = %s)"
        "  ON l.store_id = s.id AND l.variant_id = v.id"
        " WHERE p.slug = %s AND p.is_active AND v.is_active AND s.is_active"
        " ORDER BY s.name, s.id, v.position, v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [product_slug, product_slug])
        rows = cursor.fetchall()
    if not rows:  # nothing on sale (or no store open): the rare case, in plain ORM queries
        on_sale = Variant.objects.filter(
            product__slug=product_slug, product__is_active=True, is_active=True
        )
        open_stores = (
            Store.objects.active()
            .order_by("name", "pk")
            .values_list("pk", "code", "name", "city", "pickup_enabled", "latitude", "longitude")
        )
        return list(on_sale), _nearest_first(
            StoreStock(
                store_id=pk,
                code=code,
                name=name,
                city=city,
                pickup_enabled=pickup,
                distance_km=_distance(origin, lat, lng),
            )
            for pk, code, name, city, pickup, lat, lng in open_stores
        )
    variants: dict[int, Variant] = {}
    stores: dict[int, StoreStock] = {}
    for variant_id, sku, colour, size, pk, code, name, city, pickup, lat, lng, units in rows:
        if variant_id not in variants:
            variants[variant_id] = Variant(pk=variant_id, sku=sku, colour=colour, size=size)
        store = stores.get(pk)
        if store is None:
            store = stores[pk] = StoreStock(
                store_id=pk,
                code=code,
                name=name,
                city=city,
                pickup_enabled=bool(pickup),
                distance_km=_distance(origin, lat, lng),
            )
        if units is not None:
            store.units[variant_id] = max(units, 0)
    return list(variants.values()), _nearest_first(stores.values())


def _distance(
    origin: Point | None, lat: Decimal | float | str, lng: Decimal | float | str
) -> float | None:
    return None if origin is None else distance_km(origin, Point(float(lat), float(lng)))


def _nearest_first(stores: Iterable[StoreStock]) -> list[StoreStock]:
    """Stores that come in the database's order by name, sorted by distance (a stable sort:
    equal distances, or none, keep the database's collation of names, umlauts included)."""
    return sorted(stores, key=lambda s: s.distance_km or 0.0)


def counts_awaiting_approval(user: AnyUser) -> QuerySet[StockCount]:
    """Counts waiting for a manager in the stores `user` manages (all for a superuser), oldest
    first, each annotated with its net variance in units and in euros (at today's price). One
    query."""
    variance_value = ExpressionWrapper(
        F("lines__variance") * F("lines__variant__price"),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    return (
        StockCount.objects.filter(
            status=CountStatus.SUBMITTED, store__in=staff_stores(user=user, role=StaffRole.MANAGER)
        )
        .select_related("store", "created_by")
        .annotate(
            variance_units=Coalesce(Sum("lines__variance"), 0),
            variance_value=Coalesce(
                Sum(variance_value), Value(Decimal("0.00")), output_field=DecimalField()
            ),
            lines_count=Count("lines"),
        )
        .order_by("submitted_at", "pk")
    )


def count_lines_with_value(count: StockCount) -> list[StockCountLine]:
    """A count's lines by SKU with their variant and `variance_value` (variance × price)."""
    lines = list(count.lines.select_related("variant__product").order_by("variant__sku"))
    for line in lines:
        line.variance_value = line.variance * line.variant.price  # type: ignore[attr-defined]
    return lines
