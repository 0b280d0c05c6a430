"""The orders' part of the pickup promise (`stores.promise`): each store's queue."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from shop.orders.models import Order, OrderStatus
from stores.models import Store

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


def stores_with_queue(stores: QuerySet[Store]) -> QuerySet[Store]:
    """The stores with `pickup_queue` (what `store_queues` counts, in the same query), which
    `stores.promise.promise_for` uses instead of counting again."""
    waiting = (
        Order.objects.filter(store=OuterRef("pk"), status__in=WAITING)
        .order_by()
        .values("store")
        .annotate(n=Count("id"))
        .values("n")
    )
    return stores.annotate(pickup_queue=Coalesce(Subquery(waiting, output_field=IntegerField()), 0))
