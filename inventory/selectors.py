from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import (
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

from stores.geo import Point, distance_km_expression
from stores.models import Store

from .models import StockLevel

AVAILABLE = Greatest(F("on_hand") - F("reserved") - F("safety_buffer"), Value(0))


def availability_at_store(store_id: int, variant_ids: Iterable[int]) -> dict[int, int]:
    """Units available online for each variant at one store, in one query (missing rows are 0)."""
    rows = StockLevel.objects.filter(
        store_id=store_id, variant_id__in=list(variant_ids)
    ).values_list("variant_id", AVAILABLE)
    return dict(rows)


def product_availability_at_store(store_id: int, product_ids: Iterable[int]) -> dict[int, int]:
    """Units available per product (all its variants together) at one store, in one query."""
    rows = (
        StockLevel.objects.filter(store_id=store_id, variant__product_id__in=list(product_ids))
        .values("variant__product_id")
        .annotate(units=Sum(AVAILABLE))
        .values_list("variant__product_id", "units")
    )
    return dict(rows)


def stores_with_availability(variant_ids: Iterable[int], origin: Point | None) -> QuerySet[Store]:
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


def stock_by_store(variant_ids: Iterable[int], origin: Point | None) -> list[StoreStock]:
    """Every active store, nearest first (by name without an origin), with the units available
    of each given variant — one query (a LEFT JOIN), however many stores and variants."""
    variant_ids = list(variant_ids)
    qs = Store.objects.active().annotate(
        level=FilteredRelation(
            "stock_levels", condition=Q(stock_levels__variant_id__in=variant_ids)
        )
    )
    distance = distance_km_expression(origin) if origin is not None else Value(None, FloatField())
    qs = qs.annotate(distance_km=distance).order_by("distance_km", "name", "pk")
    rows = qs.values_list(
        "pk",
        "code",
        "name",
        "city",
        "pickup_enabled",
        "distance_km",
        "level__variant_id",
        Greatest(F("level__on_hand") - F("level__reserved") - F("level__safety_buffer"), Value(0)),
    )
    stores: dict[int, StoreStock] = {}
    for pk, code, name, city, pickup, distance_km, variant_id, units in rows:
        store = stores.get(pk)
        if store is None:
            store = stores[pk] = StoreStock(pk, code, name, city, pickup, distance_km)
        if variant_id is not None:
            store.units[variant_id] = units or 0
    return list(stores.values())
