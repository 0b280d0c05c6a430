"""Invoices and credit notes of orders paid online: gap-free numbers per year, a snapshot of the
lines, and the PDF (fpdf2) with the VAT breakdown (docs/prices.md).

Numbers come from one `InvoiceSequence` row per year, locked while the next number is taken in
the transaction that writes the invoice: a rolled-back transaction gives its number back, so the
numbers of a year have no gaps (`tests/payments/test_invoices.py` races two on PostgreSQL).
"""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.vat import discounted_vat_breakdown, vat_breakdown
from shop.orders.models import Order

from .models import Invoice, InvoiceKind, InvoiceSequence, Payment


def _next_number(year: int) -> tuple[int, str]:
    InvoiceSequence.objects.get_or_create(year=year)
    sequence = InvoiceSequence.objects.select_for_update().get(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last, f"{year}-{sequence.last:06d}"


def _line(sku: str, name: str, quantity: int, unit: Decimal, gross: Decimal, rate: Decimal) -> dict:
    return {
        "sku": sku,
        "name": name,
        "quantity": quantity,
        "unit_price": str(unit),
        "gross": str(gross),
        "vat_rate": str(rate),
    }


@transaction.atomic
def invoice_issue(*, order: Order, payment: Payment) -> Invoice:
    """The invoice for what was handed over and paid online (once per order)."""
    existing = Invoice.objects.filter(order=order, kind=InvoiceKind.INVOICE).first()
    if existing is not None:
        return existing
    now = timezone.now()
    year = timezone.localtime(now).year
    sequence, number = _next_number(year)
    lines = [
        _line(
            line.sku,
            f"{line.product_name} {line.variant_label}".strip(),
            line.quantity_to_collect,
            line.unit_price,
            line.line_total,
            line.vat_rate,
        )
        for line in order.lines.all()
        if line.quantity_to_collect > 0
    ]
    return Invoice.objects.create(
        number=number,
        year=year,
        sequence=sequence,
        kind=InvoiceKind.INVOICE,
        order=order,
        lines=lines,
        total_cents=int((order.goods_paid * 100).to_integral_value()),
        issued_at=now,
    )


@transaction.atomic
def credit_note_issue(
    *, order: Order, payment: Payment, refund_ref: str, cents: int, lines: Any = None
) -> Invoice:
    """The credit note for one refund to the online payment (once per refund)."""
    existing = Invoice.objects.filter(
        order=order, kind=InvoiceKind.CREDIT_NOTE, refund_ref=refund_ref
    ).first()
    if existing is not None:
        return existing
    now = timezone.now()
    year = timezone.localtime(now).year
    sequence, number = _next_number(year)
    if lines:
        snapshot = [
            _line(
                ln.sku,
                ln.name,
                ln.quantity,
                (ln.gross / ln.quantity).quantize(Decimal("0.01")) if ln.quantity else ln.gross,
                ln.gross,
                ln.vat_rate,
            )
            for ln in lines
        ]
    else:  # a refund without lines (cancel after an early capture, short pick): one line per rate
        amount = Decimal(cents) / 100
        rates = order.vat_breakdown or []
        rate = rates[0].rate if len(rates) == 1 else Decimal("19.00")
        snapshot = [_line("", f"Order {order.number}", 1, amount, amount, rate)]
    return Invoice.objects.create(
        number=number,
        year=year,
        sequence=sequence,
        kind=InvoiceKind.CREDIT_NOTE,
        order=order,
        refund_ref=refund_ref,
        corrects=Invoice.objects.filter(order=order, kind=InvoiceKind.INVOICE).first(),
        lines=snapshot,
        total_cents=cents,
        issued_at=now,
    )


def invoice_vat(invoice: Invoice) -> list:
    """VAT per rate of the invoice: its lines, less the order's offer and points discounts on an invoice."""
    lines = [(Decimal(ln["gross"]), Decimal(ln["vat_rate"])) for ln in invoice.lines]
    if invoice.kind == InvoiceKind.INVOICE and invoice.order.price_reduction:
        return discounted_vat_breakdown(lines, invoice.order.price_reduction)
    return vat_breakdown(lines)
