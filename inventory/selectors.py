from collections.abc import Iterable

from django.db.models import F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
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


def availability_by_store(variant_ids: Iterable[int]) -> dict[int, dict[int, int]]:
    """{store_id: {variant_id: available units}} for the given variants at every store, in one
    query (a store or variant without a stock row is absent, i.e. 0)."""
    result: dict[int, dict[int, int]] = {}
    rows = StockLevel.objects.filter(
        variant_id__in=list(variant_ids), store__is_active=True
    ).values_list("store_id", "variant_id", AVAILABLE)
    for store_id, variant_id, units in rows:
        result.setdefault(store_id, {})[variant_id] = units
    return result
