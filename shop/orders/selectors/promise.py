"""The orders' part of the pickup promise (`stores.promise`): each store's queue."""

from django.db.models import Count

from shop.orders.models import Order, OrderStatus

WAITING = (OrderStatus.PLACED, OrderStatus.PICKING)


def store_queues(store_ids: list[int]) -> dict[int, int]:
    """{store_id: open orders not yet ready} for the given stores, in one query."""
    rows = (
        Order.objects.filter(store_id__in=store_ids, status__in=WAITING)
        .order_by()
        .values_list("store_id")
        .annotate(n=Count("id"))
    )
    return dict(rows)
