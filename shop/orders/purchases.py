"""Online purchases for the recommendations (`shop.recommendations.baskets`): every order line
of an order that was not cancelled, expired or left unpaid, without the units picked short."""

from collections.abc import Iterator

from django.db.models import F

from shop.recommendations.baskets import PurchaseRow

from .models import OrderLine, OrderStatus

BOUGHT = (OrderStatus.PLACED, OrderStatus.PICKING, OrderStatus.READY, OrderStatus.COLLECTED)


def order_purchases() -> Iterator[PurchaseRow]:
    rows = (
        OrderLine.objects.filter(order__status__in=BOUGHT, quantity__gt=F("quantity_short"))
        .order_by()
        .values_list("order__customer_id", "order_id", "variant__product_id")
    )
    for customer_id, order_id, product_id in rows.iterator(chunk_size=5000):
        yield customer_id, f"order:{order_id}", product_id
