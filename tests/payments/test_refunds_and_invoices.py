"""A return refunds one line to the original payment with a credit note; invoice PDFs render."""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from payments.models import EntryKind, Invoice, Payment
from payments.services import payment_refresh
from returns.models import RefundMethod
from returns.services import return_receive, return_refund, return_request_create
from shop.orders.services import orders as order_services
from tests.returns.helpers import inspect_all

from .helpers import checkout_online, pay

pytestmark = pytest.mark.django_db


def collected_online(fake, store, shopper, associate, items, billing=None):
    order = checkout_online(shopper, store, items, billing=billing)
    pay(fake, order)
    payment_refresh(payment=order.payment, source="test")
    order_services.order_start_picking(order=order, actor=associate)
    order_services.order_mark_ready(order=order, actor=associate)
    order.refresh_from_db()
    return order_services.order_collect(order=order, code=order.pickup_code, actor=associate)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_return_of_one_line_refunds_it_to_the_card_with_a_credit_note(
    client, fake_stripe, store, shopper, jacket, socks, associate
):
    from tests import factories

    food = factories.stocked_variant(store, "3.20")
    food.product.tax_class = "reduced"
    food.product.save()
    order = collected_online(
        fake_stripe, store, shopper, associate, [(jacket, 1), (socks, 2), (food, 1)]
    )
    invoice = Invoice.objects.get(order=order, kind="invoice")
    assert invoice.total_cents == 6310
    line = order.lines.get(variant=socks)
    ret = return_request_create(order=order, lines=[(line, 2)], reason="too_small", actor=shopper)
    return_receive(ret=ret, store=store, actor=associate, inspections=inspect_all(ret))
    refund = return_refund(
        ret=ret, store=store, method=RefundMethod.ORIGINAL_ONLINE, actor=associate
    )
    assert refund.amount == Decimal("10.00")
    refunds = list(fake_stripe.refunds.values())
    assert [(r["amount"], r["payment_intent"]) for r in refunds] == [
        (1000, order.payment.intent_id)
    ]
    payment = Payment.objects.get(order=order)
    assert payment.refunded_cents == 1000
    assert (EntryKind.REFUNDED, 1000) in list(
        order.payment_entries.values_list("kind", "amount_cents")
    )
    note = Invoice.objects.get(order=order, kind="credit_note")
    assert note.corrects == invoice
    assert note.total_cents == 1000
    assert int(note.number.split("-")[1]) == int(invoice.number.split("-")[1]) + 1

    client.force_login(shopper)
    text = pdf_text(client.get(f"/payments/invoices/{invoice.number}.pdf").content)
    assert f"Invoice {invoice.number}" in text
    assert "€63.10" in text
    assert "19 % VAT" in text and "7 % VAT" in text  # both rates broken down
    credit = pdf_text(client.get(f"/payments/invoices/{note.number}.pdf").content)
    assert f"Credit note {note.number}" in credit
    assert f"Corrects invoice {invoice.number}" in credit
    assert "€10.00" in credit
    # The order page links both.
    page = client.get(order.get_absolute_url()).content.decode()
    assert invoice.number in page and note.number in page


def test_invoices_are_private(client, fake_stripe, store, shopper, jacket, associate):
    from tests import factories

    order = collected_online(fake_stripe, store, shopper, associate, [(jacket, 1)])
    invoice = Invoice.objects.get(order=order)
    client.force_login(factories.UserFactory())
    assert client.get(f"/payments/invoices/{invoice.number}.pdf").status_code == 404
    client.force_login(associate)
    assert client.get(f"/payments/invoices/{invoice.number}.pdf").status_code == 200


def test_refund_to_the_card_of_a_counter_order_is_refused(store, shopper, jacket, associate):
    from returns.errors import ReturnError
    from tests import factories

    order = factories.collected_order(store, [(jacket, 1)], customer=shopper)
    line = order.lines.get()
    ret = return_request_create(order=order, lines=[(line, 1)], reason="too_small", actor=shopper)
    return_receive(ret=ret, store=store, actor=associate, inspections=inspect_all(ret))
    with pytest.raises(ReturnError, match="no online payment"):
        return_refund(ret=ret, store=store, method=RefundMethod.ORIGINAL_ONLINE, actor=associate)
    ret.refresh_from_db()
    assert ret.status == "received"


def test_business_invoice_carries_factur_x_xml_that_validates(
    client, fake_stripe, store, shopper, jacket, socks, associate
):
    import facturx
    from lxml import etree

    billing = {"company": "Muster GmbH", "vat_id": "DE987654321", "address": "Hauptstraße 5"}
    order = collected_online(
        fake_stripe, store, shopper, associate, [(jacket, 1), (socks, 1)], billing=billing
    )
    invoice = Invoice.objects.get(order=order)
    client.force_login(shopper)
    data = client.get(f"/payments/invoices/{invoice.number}.pdf").content
    assert "Muster GmbH" in pdf_text(data)
    filename, xml = facturx.get_xml_from_pdf(data, check_xsd=False)
    assert filename == "factur-x.xml"
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    root = etree.fromstring(xml)
    ns = {
        "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
    }
    assert root.findtext(".//ram:GrandTotalAmount", namespaces=ns) == "54.90"
    assert root.findtext(".//ram:BuyerTradeParty/ram:Name", namespaces=ns) == "Muster GmbH"
    assert root.findtext(".//ram:TaxTotalAmount", namespaces=ns) == "8.77"


def test_xml_of_a_credit_note_validates_too(fake_stripe, store, shopper, jacket, associate):
    import facturx

    from payments.facturx import invoice_xml

    billing = {"company": "Muster GmbH", "vat_id": "DE987654321"}
    order = collected_online(fake_stripe, store, shopper, associate, [(jacket, 1)], billing=billing)
    line = order.lines.get()
    ret = return_request_create(order=order, lines=[(line, 1)], reason="too_small", actor=shopper)
    return_receive(ret=ret, store=store, actor=associate, inspections=inspect_all(ret))
    return_refund(ret=ret, store=store, method=RefundMethod.ORIGINAL_ONLINE, actor=associate)
    note = Invoice.objects.get(order=order, kind="credit_note")
    xml = invoice_xml(invoice=note, payment=Payment.objects.get(order=order))
    assert b"<ram:TypeCode>381</ram:TypeCode>" in xml
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")


def test_the_collected_email_carries_the_invoice(fake_stripe, store, shopper, jacket, associate):
    from django.core import mail

    from tests.notifications.helpers import deliver

    order = collected_online(fake_stripe, store, shopper, associate, [(jacket, 1)])
    invoice = Invoice.objects.get(order=order)
    mail.outbox.clear()
    deliver(kind="order_collected", channel="email")
    [message] = mail.outbox
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"{invoice.number}.pdf", "application/pdf")
    assert f"{invoice.number}" in pdf_text(content)


def test_returns_desk_offers_and_makes_the_refund_to_the_online_payment(
    client, fake_stripe, store, shopper, jacket, associate
):
    from django.urls import reverse

    order = collected_online(fake_stripe, store, shopper, associate, [(jacket, 1)])
    line = order.lines.get()
    ret = return_request_create(order=order, lines=[(line, 1)], reason="too_small", actor=shopper)
    return_receive(ret=ret, store=store, actor=associate, inspections=inspect_all(ret))
    client.force_login(associate)
    page = client.get(reverse("returns:desk_return", args=[ret.public_id])).content.decode()
    assert "original_payment_online" in page
    assert "original_payment_at_counter" not in page
    client.post(
        reverse("returns:desk_refund", args=[ret.public_id]),
        {"method": "original_payment_online"},
    )
    assert Payment.objects.get(order=order).refunded_cents == 4990
    assert [r["amount"] for r in fake_stripe.refunds.values()] == [4990]


def test_admin_order_page_shows_the_payment_ledger(
    client, fake_stripe, store, shopper, jacket, associate
):
    from django.contrib.auth.models import Permission

    order = collected_online(fake_stripe, store, shopper, associate, [(jacket, 1)])
    associate.user_permissions.add(*Permission.objects.filter(codename__in=["view_order"]))
    client.force_login(associate)
    page = client.get(f"/admin/orders/order/{order.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Payment ledger" in html
    assert order.payment.intent_id in html
    assert "€49.90" in html
