"""`{% order_payment order %}`: the online payment and the invoices on the shopper's order page
(the orders app's template loads it by name; orders imports nothing from payments)."""

from django import template

from payments.models import Invoice, Payment

register = template.Library()


@register.inclusion_tag("payments/order_payment.html")
def order_payment(order):
    payment = Payment.objects.filter(order=order).first()
    invoices = list(Invoice.objects.filter(order=order)) if payment is not None else []
    return {"order": order, "payment": payment, "invoices": invoices}


@register.filter
def cents(value):
    """Whole cents as euros (Decimal), for the `money` filter."""
    from decimal import Decimal

    return Decimal(int(value or 0)) / 100
