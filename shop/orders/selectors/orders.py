"""Reads of pickup orders shared by the admin, the desk page, the API and the shopper's pages."""

import datetime as dt

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.types import AnyUser
from shop.catalogue.models import ProductImage
from shop.orders.models import HandoverAttempt, Order, OrderLine, OrderStatus
from shop.orders.models.orders import OPEN_STATUSES
from stores.models import Store
from stores.selectors import staff_stores


def orders_for_customer(user: AnyUser) -> QuerySet[Order]:
    """The shopper's own orders, newest first, with the store for the list (none when anonymous)."""
    if not user.is_authenticated:
        return Order.objects.none()
    return Order.objects.filter(customer=user).select_related("store").order_by("-created_at")


def orders_for_staff(user: AnyUser) -> QuerySet[Order]:
    """Orders of the stores `user` works in (all for a superuser); another store's are absent."""
    qs = Order.objects.select_related("store", "customer")
    if user.is_superuser:
        return qs
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return qs.none()
    return qs.filter(store__in=staff_stores(user=user).values("pk"))


def with_item_counts(qs: QuerySet[Order]) -> QuerySet[Order]:
    """Annotate `items`: units to hand over, in the same query.

    A correlated subquery rather than JOIN + GROUP BY, so that a page of 100 orders out of
    100,000 only counts the lines of those 100 (the ORDER BY … LIMIT stays index-backed).
    """
    units = (
        OrderLine.objects.filter(order=OuterRef("pk"))
        .order_by()
        .values("order")
        .annotate(units=Sum(F("quantity") - F("quantity_short")))
        .values("units")
    )
    return qs.annotate(items=Coalesce(Subquery(units, output_field=IntegerField()), 0))


def overdue_q(now: dt.datetime | None = None) -> Q:
    """Ready and past the hold, or placed and not picked within the store's target time.

    The target differs per store; the few distinct values become one condition each, so the
    filter stays plain, index-friendly SQL on every database.
    """
    now = now or timezone.now()
    ready_late = Q(status=OrderStatus.READY, hold_until__lt=now)
    targets = Store.objects.order_by().values_list("pickup_target_minutes", flat=True).distinct()
    placed_late = [
        Q(store__pickup_target_minutes=minutes, created_at__lt=now - dt.timedelta(minutes=minutes))
        for minutes in targets
    ]
    if not placed_late:
        return ready_late
    late = placed_late[0]
    for q in placed_late[1:]:
        late |= q
    return ready_late | (Q(status=OrderStatus.PLACED) & late)


def is_overdue(order: Order, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    if order.status == OrderStatus.READY:
        return bool(order.hold_until and order.hold_until < now)
    if order.status == OrderStatus.PLACED:
        return order.created_at < now - dt.timedelta(minutes=order.store.pickup_target_minutes)
    return False


# The order in which the pickup queue is worked (admin list and desk): the earliest promised
# ready-by time first (orders without a promise, placed before promises existed, after them),
# then the oldest. The one definition for every queue.
QUEUE_ORDERING: tuple[OrderBy | str, ...] = (
    F("promised_ready_at").asc(nulls_last=True),
    "created_at",
    "id",
)


# While an order is still being prepared, staff see by when it was promised.
PROMISED_STATUSES: tuple[str, ...] = (OrderStatus.PLACED, OrderStatus.PICKING)


def queue_state_counts(qs: QuerySet[Order], now: dt.datetime | None = None) -> dict[str, int]:
    """The open orders of `qs` per state, and how many of them are overdue: one query."""
    now = now or timezone.now()
    counts = (
        qs.order_by()
        .filter(status__in=OPEN_STATUSES)
        .aggregate(
            placed=Count("pk", filter=Q(status=OrderStatus.PLACED)),
            picking=Count("pk", filter=Q(status=OrderStatus.PICKING)),
            ready=Count("pk", filter=Q(status=OrderStatus.READY)),
            overdue=Count("pk", filter=overdue_q(now)),
        )
    )
    return {key: int(value or 0) for key, value in counts.items()}


DESK_COLUMN_LIMIT = 60


def desk_queue(store: Store, now: dt.datetime | None = None) -> dict[str, list[Order]]:
    """The open orders of one store for the desk: placed, picking, ready and overdue.

    An overdue order is shown only in the overdue column. By promised time (`QUEUE_ORDERING`):
    that is the order in which they should be worked. One query.
    """
    now = now or timezone.now()
    open_orders = with_item_counts(
        Order.objects.filter(store=store).open().select_related("customer", "store")
    ).order_by(*QUEUE_ORDERING)
    columns: dict[str, list[Order]] = {
        "placed": [],
        "picking": [],
        "ready": [],
        "overdue": [],
    }
    for order in open_orders[: DESK_COLUMN_LIMIT * 4]:
        column = columns["overdue" if is_overdue(order, now) else order.status]
        if len(column) < DESK_COLUMN_LIMIT:
            column.append(order)
    return columns


def order_lines_for_picking(order: Order) -> list[OrderLine]:
    """The order's lines for the pick page and slip, one query.

    Each line carries its variant (EAN, size, colour) and the product's first picture as
    `picture` (the thumbnail, else the image; a storage name, empty when there is none).
    """
    first = ProductImage.objects.filter(product=OuterRef("variant__product_id")).order_by(
        "position", "pk"
    )
    return list(
        OrderLine.objects.filter(order=order)
        .select_related("variant")
        .annotate(
            thumb=Subquery(first.values("thumbnail")[:1]),
            full=Subquery(first.values("image")[:1]),
        )
        .order_by("id")
    )


def desk_wrong_codes(*, store: Store, actor: AnyUser, since: dt.datetime) -> int:
    """Wrong pickup codes this associate typed or scanned at `store` since `since`."""
    return HandoverAttempt.objects.filter(
        store=store, actor_id=actor.pk, success=False, created_at__gt=since
    ).count()
