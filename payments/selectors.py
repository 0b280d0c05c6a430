"""Reads other apps need about an order's online payment."""

from shop.orders.models import Order

from .models import Payment, PaymentStatus


def paid_online(*, order: Order) -> bool:
    """Whether money was taken online for the order (a refund can go back to that payment)."""
    return Payment.objects.filter(order=order, status=PaymentStatus.CAPTURED).exists()
