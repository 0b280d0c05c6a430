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
