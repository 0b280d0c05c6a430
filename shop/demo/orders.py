"""A few pickup orders for the demo shopper, so the queue, the desk and the card are not empty.

Placed and moved through the real services (reservations, events, points, notifications), once:
a shopper who already has orders gets none.
"""

from django.contrib.auth import get_user_model

from inventory.models import StockLevel
from shop.catalogue.models import Variant
from shop.orders.models import OrderStatus
from shop.orders.services import orders as services
from stores.models import StaffRole, Store

# (lines as (variant index, quantity), the state each order is moved to)
DEMO_ORDERS = [
    ([(0, 1), (1, 2)], OrderStatus.COLLECTED),
    ([(2, 1)], OrderStatus.READY),
    ([(3, 1), (4, 1)], OrderStatus.PICKING),
    ([(5, 2)], OrderStatus.PLACED),
]


def demo_orders_seed(*, shopper_email: str, store: Store) -> int:
    """Place the demo orders at `store`; returns how many were placed."""
    shopper = get_user_model().objects.filter(email=shopper_email).first()
    associate = (
        get_user_model()
        .objects.filter(store_memberships__store=store, store_memberships__role=StaffRole.ASSOCIATE)
        .first()
    )
    if shopper is None or associate is None or shopper.pickup_orders.exists():
        return 0
    in_stock = list(
        Variant.objects.filter(
            is_active=True,
            stock_levels__in=StockLevel.objects.filter(store=store, on_hand__gte=5, reserved=0),
        ).order_by("pk")[:6]
    )
    if len(in_stock) < 6:
        return 0
    for lines, state in DEMO_ORDERS:
        order = services.order_place(
            customer=shopper,
            store=store,
            lines=[(in_stock[index], quantity) for index, quantity in lines],
            phone="+49 30 1234567",
        )
        if state == OrderStatus.PLACED:
            continue
        order = services.order_start_picking(order=order, actor=associate)
        if state == OrderStatus.PICKING:
            continue
        order = services.order_mark_ready(order=order, actor=associate)
        if state == OrderStatus.COLLECTED:
            services.order_collect(order=order, code=order.pickup_code, actor=associate)
    return len(DEMO_ORDERS)
