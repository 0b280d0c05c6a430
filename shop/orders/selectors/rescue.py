"""Reads for the short-pick rescue: which stores could hand over the missing units instead."""

from django.db.models import QuerySet

from inventory.selectors import StoreWithAvailability, stores_with_availability
from shop.orders.models import Order, RescueChoice, ShortPickRescue
from stores.geo import Point

RESCUE_STORE_LIMIT = 3


def rescue_stores(*, rescue: ShortPickRescue) -> list[StoreWithAvailability]:
    """Pickup stores other than the order's that have all missing units now, nearest first."""
    store = rescue.order.store
    origin = Point(float(store.latitude), float(store.longitude))
    return list(
        stores_with_availability([rescue.line.variant_id], origin)
        .filter(pickup_enabled=True, available__gte=rescue.units)
        .exclude(pk=store.pk)[:RESCUE_STORE_LIMIT]
    )


def open_rescues(*, order: Order) -> QuerySet[ShortPickRescue]:
    """The order's short picks still waiting for the customer's answer, oldest first."""
    return (
        ShortPickRescue.objects.filter(order=order, choice=RescueChoice.OPEN)
        .select_related("line", "order__store")
        .order_by("created_at", "id")
    )


def rescues_by_order(*, order_ids: list[int]) -> dict[int, list[ShortPickRescue]]:
    """Every rescue of the given orders, oldest first, in one query (for the desk and admin)."""
    found: dict[int, list[ShortPickRescue]] = {}
    rescues = (
        ShortPickRescue.objects.filter(order_id__in=order_ids)
        .select_related("line", "rescue_order__store", "chosen_by")
        .order_by("created_at", "id")
    )
    for rescue in rescues:
        found.setdefault(rescue.order_id, []).append(rescue)
    return found
