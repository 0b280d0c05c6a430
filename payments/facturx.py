"""Factur-X / ZUGFeRD (profile EN 16931) for business customers: the invoice or credit note as
UN/CEFACT CII XML, embedded in its PDF with the `factur-x` package (which checks the XML against
the schema before it embeds it).

German shop prices include VAT; EN 16931 counts net. Each line's net amount is its gross less the
VAT it contains (`core.vat.vat_of_gross`); a points discount is a document-level allowance per VAT
rate; the VAT per rate is the rate's gross less its net basis, so the net, VAT and gross totals
add up to the cent to what the PDF shows.
"""

from collections import defaultdict
from decimal import Decimal

import facturx
from django.conf import settings
from django.utils import timezone
from lxml import etree

from core.vat import discounted_vat_breakdown, vat_of_gross

from .models import Invoice, InvoiceKind, Payment

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
CENT = Decimal("0.01")


def _el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    prefix, name = tag.split(":")
    node = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", **attrs)
    if text is not None:
        node.text = text
    return node


def _amount(value: Decimal) -> str:
    return str(value.quantize(CENT))


def _date(parent, tag: str, when) -> None:
    holder = _el(parent, tag)
    _el(holder, "udt:DateTimeString", timezone.localtime(when).strftime("%Y%m%d"), format="102")


def _category(rate: Decimal) -> str:
    return "S" if rate > 0 else "Z"


def _tax(parent, rate: Decimal) -> None:
    _el(parent, "ram:TypeCode", "VAT")
    _el(parent, "ram:CategoryCode", _category(rate))
    _el(parent, "ram:RateApplicablePercent", str(rate.normalize()))


def _party(parent, tag: str, name: str, *, address: dict, vat_id: str = "") -> None:
    party = _el(parent, tag)
    _el(party, "ram:Name", name)
    postal = _el(party, "ram:PostalTradeAddress")
    if address.get("postcode"):
        _el(postal, "ram:PostcodeCode", address["postcode"])
    if address.get("street"):
        _el(postal, "ram:LineOne", address["street"])
    if address.get("city"):
        _el(postal, "ram:CityName", address["city"])
    _el(postal, "ram:CountryID", address.get("country", "DE"))
    if vat_id:
        _el(_el(party, "ram:SpecifiedTaxRegistration"), "ram:ID", vat_id, schemeID="VA")


def invoice_xml(*, invoice: Invoice, payment: Payment) -> bytes:
    """The CII XML of an invoice or credit note (EN 16931 profile)."""
    order = invoice.order
    seller = settings.INVOICE_SELLER
    root = etree.Element(f"{{{NS['rsm']}}}CrossIndustryInvoice", nsmap=NS)
    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(
        _el(context, "ram:GuidelineSpecifiedDocumentContextParameter"),
        "ram:ID",
        "urn:cen.eu:en16931:2017",
    )
    document = _el(root, "rsm:ExchangedDocument")
    _el(document, "ram:ID", invoice.number)
    _el(document, "ram:TypeCode", "380" if invoice.kind == InvoiceKind.INVOICE else "381")
    _date(document, "ram:IssueDateTime", invoice.issued_at)
    transaction = _el(root, "rsm:SupplyChainTradeTransaction")

    net_by_rate: dict[Decimal, Decimal] = defaultdict(Decimal)
    gross_by_rate: dict[Decimal, Decimal] = defaultdict(Decimal)
    for index, line in enumerate(invoice.lines, start=1):
        gross, rate = Decimal(line["gross"]), Decimal(line["vat_rate"])
        net = gross - vat_of_gross(gross=gross, rate=rate)
        quantity = max(int(line["quantity"]), 1)
        net_by_rate[rate] += net
        gross_by_rate[rate] += gross
        item = _el(transaction, "ram:IncludedSupplyChainTradeLineItem")
        _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(index))
        product = _el(item, "ram:SpecifiedTradeProduct")
        if line["sku"]:
            _el(product, "ram:SellerAssignedID", line["sku"])
        _el(product, "ram:Name", line["name"] or invoice.number)
        price = _el(_el(item, "ram:SpecifiedLineTradeAgreement"), "ram:NetPriceProductTradePrice")
        _el(price, "ram:ChargeAmount", str((net / quantity).quantize(Decimal("0.0001"))))
        _el(
            _el(item, "ram:SpecifiedLineTradeDelivery"),
            "ram:BilledQuantity",
            str(quantity),
            unitCode="C62",
        )
        settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
        _tax(_el(settlement, "ram:ApplicableTradeTax"), rate)
        summation = _el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        _el(summation, "ram:LineTotalAmount", _amount(net))

    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    _party(
        agreement, "ram:SellerTradeParty", seller["name"], address=seller, vat_id=seller["vat_id"]
    )
    _party(
        agreement,
        "ram:BuyerTradeParty",
        payment.billing_company or order.email,
        address={"street": payment.billing_address, "country": "DE"},
        vat_id=payment.billing_vat_id,
    )
    delivery = _el(transaction, "ram:ApplicableHeaderTradeDelivery")
    _date(
        _el(delivery, "ram:ActualDeliverySupplyChainEvent"),
        "ram:OccurrenceDateTime",
        order.collected_at or invoice.issued_at,
    )

    # The offer and points discounts (invoices only): per rate, the gross it takes off and its net part.
    paid_gross = dict(gross_by_rate)
    allowances: dict[Decimal, Decimal] = {}
    if invoice.kind == InvoiceKind.INVOICE and order.price_reduction:
        discounted = discounted_vat_breakdown(
            [(Decimal(ln["gross"]), Decimal(ln["vat_rate"])) for ln in invoice.lines],
            order.price_reduction,
        )
        for vat in discounted:
            off = gross_by_rate[vat.rate] - vat.gross
            if off:
                allowances[vat.rate] = off - vat_of_gross(gross=off, rate=vat.rate)
                paid_gross[vat.rate] = vat.gross

    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:InvoiceCurrencyCode", "EUR")
    means = _el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    _el(means, "ram:TypeCode", "48")  # bank card (or other online payment), already paid
    tax_total = Decimal("0")
    for rate in sorted(net_by_rate):
        basis = net_by_rate[rate] - allowances.get(rate, Decimal("0"))
        tax = paid_gross[rate] - basis
        tax_total += tax
        trade_tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(trade_tax, "ram:CalculatedAmount", _amount(tax))
        _el(trade_tax, "ram:TypeCode", "VAT")
        if rate == 0:
            _el(trade_tax, "ram:ExemptionReason", "Zero rated")
        _el(trade_tax, "ram:BasisAmount", _amount(basis))
        _el(trade_tax, "ram:CategoryCode", _category(rate))
        _el(trade_tax, "ram:RateApplicablePercent", str(rate.normalize()))
    reason = "Offer and loyalty points" if order.offer_discount else "Loyalty points"
    for rate, net_off in sorted(allowances.items()):
        allowance = _el(settlement, "ram:SpecifiedTradeAllowanceCharge")
        _el(_el(allowance, "ram:ChargeIndicator"), "udt:Indicator", "false")
        _el(allowance, "ram:ActualAmount", _amount(net_off))
        _el(allowance, "ram:Reason", reason)
        _tax(_el(allowance, "ram:CategoryTradeTax"), rate)
    line_total = sum(net_by_rate.values(), Decimal("0"))
    allowance_total = sum(allowances.values(), Decimal("0"))
    basis_total = line_total - allowance_total
    grand = basis_total + tax_total
    summation = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(summation, "ram:LineTotalAmount", _amount(line_total))
    if allowances:
        _el(summation, "ram:AllowanceTotalAmount", _amount(allowance_total))
    _el(summation, "ram:TaxBasisTotalAmount", _amount(basis_total))
    _el(summation, "ram:TaxTotalAmount", _amount(tax_total), currencyID="EUR")
    _el(summation, "ram:GrandTotalAmount", _amount(grand))
    _el(summation, "ram:TotalPrepaidAmount", _amount(grand))
    _el(summation, "ram:DuePayableAmount", "0.00")
    if invoice.corrects_id:
        reference = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(reference, "ram:IssuerAssignedID", invoice.corrects.number)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def facturx_embed(*, invoice: Invoice, payment: Payment, pdf: bytes) -> bytes:
    """The PDF with the XML attached as factur-x.xml (the package checks it against the XSD)."""
    xml = invoice_xml(invoice=invoice, payment=payment)
    return facturx.generate_from_binary(
        pdf, xml, flavor="factur-x", level="en16931", check_xsd=True, lang="de-DE"
    )
