"""An order paid online with a coupon: the payment, the invoice (PDF and Factur-X) and the order
e-mail carry the discount; the VAT is that of what was paid."""

import io
from decimal import Decimal

import pytest
from django.core import mail
from pypdf import PdfReader

from payments.models import Invoice, Payment
from payments.services import payment_refresh
from shop.orders.models import Cart, CartLine
from shop.orders.services import orders as order_services
from shop.orders.services.checkout import checkout_place
from tests.payments.conftest import associate, fake_stripe  # noqa: F401  (fixtures)
from tests.payments.helpers import CARD_3DS, pay

from .conftest import PHONE, promotion

pytestmark = pytest.mark.django_db


def test_online_payment_invoice_and_email_show_the_discount(
    client,
    fake_stripe,  # noqa: F811
    store,
    jacket,
    book,
    account,
    associate,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    import facturx
    from lxml import etree

    promotion("SOMMER10")
    shopper = account.user
    cart = Cart.objects.create(user=shopper)
    CartLine.objects.create(cart=cart, variant=jacket, quantity=1)
    CartLine.objects.create(cart=cart, variant=book, quantity=1)
    with django_capture_on_commit_callbacks(execute=False):
        order = checkout_place(
            cart=cart,
            customer=shopper,
            store=store,
            phone=PHONE,
            token="tok-1",
            payment_method="stripe",
            billing={"company": "Muster GmbH", "vat_id": "DE987654321"},
            payment_details={"payment_method_id": CARD_3DS},
            coupon_code="SOMMER10",
        )
    assert order.offer_discount == Decimal("12.00")
    intent = fake_stripe.intents[order.payment.intent_id]
    assert int(intent["amount"]) == 10800  # 120 € less 12 €
    pay(fake_stripe, order)
    payment_refresh(payment=order.payment, source="test")
    order_services.order_start_picking(order=order, actor=associate)
    order_services.order_mark_ready(order=order, actor=associate)
    order.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False):
        order_services.order_collect(order=order, code=order.pickup_code, actor=associate)
    assert Payment.objects.get(order=order).captured_cents == 10800

    invoice = Invoice.objects.get(order=order, kind="invoice")
    assert invoice.total_cents == 10800
    client.force_login(shopper)
    data = client.get(f"/payments/invoices/{invoice.number}.pdf").content
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Offer: Sommer 10 %" in text and "-€12.00" in text.replace("−", "-")
    _name, xml = facturx.get_xml_from_pdf(data, check_xsd=False)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    ns = {
        "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
    }
    root = etree.fromstring(xml)
    assert root.findtext(".//ram:GrandTotalAmount", namespaces=ns) == "108.00"
    assert root.findtext(".//ram:TaxTotalAmount", namespaces=ns) == "15.55"  # 14.37 + 1.18

    from tests.notifications.helpers import deliver

    mail.outbox.clear()
    deliver(kind="order_placed", channel="email")
    [message] = mail.outbox
    assert "Offer: Sommer 10 %: −€12.00" in message.body
    # paid online, so nothing is left to pay; the VAT is that of what was paid
    assert "To pay at pickup: €0.00" in message.body
    assert "incl. 19% VAT (€14.37)" in message.body and "incl. 7% VAT (€1.18)" in message.body
