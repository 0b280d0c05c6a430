"""The invoice and credit note as PDF (fpdf2, the built-in Helvetica in Windows-1252: umlauts,
"€" and dashes print without shipping a font), in the order's language, with the VAT breakdown.
For a business customer the PDF carries the Factur-X (EN 16931) XML (`payments.facturx`)."""

from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF

from core.templatetags.money import format_money

from .invoices import invoice_vat
from .models import Invoice, InvoiceKind, Payment


def _pdf_text(text: str) -> str:
    return text.encode("windows-1252", "replace").decode("windows-1252")


def _render(invoice: Invoice) -> bytes:
    order = invoice.order
    payment = Payment.objects.filter(order=order).first()
    seller = settings.INVOICE_SELLER
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_title(invoice.number)
    pdf.set_author(seller["name"])
    pdf.set_creation_date(invoice.issued_at)
    pdf.add_page()
    pdf.set_font("helvetica", size=9)
    pdf.cell(
        0,
        5,
        _pdf_text(f"{seller['name']} · {seller['street']} · {seller['postcode']} {seller['city']}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.cell(
        0,
        5,
        _pdf_text(_("VAT ID: %(id)s") % {"id": seller["vat_id"]}),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(6)
    buyer = [
        order.customer.display_name if hasattr(order.customer, "display_name") else order.email
    ]
    if payment is not None and payment.billing_company:
        buyer = [payment.billing_company, order.customer.get_full_name() or order.email]
        if payment.billing_address:
            buyer.append(payment.billing_address)
        if payment.billing_vat_id:
            buyer.append(_("VAT ID: %(id)s") % {"id": payment.billing_vat_id})
    pdf.set_font("helvetica", size=10)
    for row in buyer:
        pdf.cell(0, 5, _pdf_text(str(row)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("helvetica", "B", 14)
    title = _("Invoice") if invoice.kind == InvoiceKind.INVOICE else _("Credit note")
    pdf.cell(0, 8, _pdf_text(f"{title} {invoice.number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    issued = date_format(timezone.localtime(invoice.issued_at), "DATE_FORMAT")
    facts = [
        _("Date: %(date)s") % {"date": issued},
        _("Order: %(number)s, picked up at %(store)s")
        % {"number": order.number, "store": order.store.name},
    ]
    if invoice.corrects_id:
        facts.append(_("Corrects invoice %(number)s") % {"number": invoice.corrects.number})
    for fact in facts:
        pdf.cell(0, 5, _pdf_text(fact), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    widths = (28, 82, 14, 18, 28, 20)
    pdf.set_font("helvetica", "B", 9)
    for width, head in zip(
        widths,
        (_("Item no."), _("Description"), _("Qty"), _("VAT"), _("Unit price"), _("Amount")),
        strict=True,
    ):
        pdf.cell(width, 6, _pdf_text(head), border="B")
    pdf.ln()
    pdf.set_font("helvetica", size=9)
    for line in invoice.lines:
        cells = (
            line["sku"],
            line["name"][:48],
            str(line["quantity"]),
            f"{Decimal(line['vat_rate']).normalize()} %",
            format_money(Decimal(line["unit_price"])),
            format_money(Decimal(line["gross"])),
        )
        for i, (width, text) in enumerate(zip(widths, cells, strict=True)):
            pdf.cell(width, 6, _pdf_text(text), align="R" if i >= 2 else "L")
        pdf.ln()
    pdf.ln(2)
    total = Decimal(invoice.total_cents) / 100
    rows = []
    if invoice.kind == InvoiceKind.INVOICE and order.offer_discount:
        rows.append(
            (
                _("Offer: %(name)s") % {"name": order.offer_name},
                format_money(-order.offer_discount),
            )
        )
    if invoice.kind == InvoiceKind.INVOICE and order.loyalty_discount:
        rows.append((_("Loyalty points discount"), format_money(-order.loyalty_discount)))
    for vat in invoice_vat(invoice):
        rows.append(
            (
                _("contains %(rate)s %% VAT on %(gross)s")
                % {"rate": vat.rate.normalize(), "gross": format_money(vat.gross)},
                format_money(vat.vat),
            )
        )
    label = _("Total (gross)") if invoice.kind == InvoiceKind.INVOICE else _("Refunded (gross)")
    rows.append((label, format_money(total)))
    if invoice.kind == InvoiceKind.INVOICE:
        if order.store_credit_used:
            rows.append((_("Paid with store credit"), format_money(order.store_credit_used)))
        if payment is not None:
            rows.append((_("Paid online"), format_money(Decimal(payment.captured_cents) / 100)))
    else:
        rows.append((_("Refunded to the original online payment"), format_money(total)))
    for text, amount in rows:
        pdf.cell(sum(widths[:-1]), 6, _pdf_text(text), align="R")
        pdf.cell(widths[-1], 6, _pdf_text(amount), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("helvetica", size=8)
    pdf.multi_cell(
        0,
        4,
        _pdf_text(_("Prices include VAT. Date of supply: the date of this document.")),
    )
    return bytes(pdf.output())


def invoice_pdf_bytes(invoice: Invoice) -> bytes:
    """The document in the order's language; a business customer's carries Factur-X XML."""
    with translation.override(invoice.order.language or settings.LANGUAGE_CODE):
        pdf = _render(invoice)
    payment = Payment.objects.filter(order=invoice.order).first()
    if payment is not None and payment.is_business:
        from .facturx import facturx_embed

        pdf = facturx_embed(invoice=invoice, payment=payment, pdf=pdf)
    return pdf
