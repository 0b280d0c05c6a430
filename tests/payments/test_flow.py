"""Authorise at checkout, capture what is handed over, void on cancel and expiry, refund a return."""

import datetime as dt

import pytest
from django.utils import timezone

from payments.models import EntryKind, Invoice, Payment, PaymentStatus
from payments.services import payment_refresh, payments_release_abandoned
from shop.orders.errors import PaymentFailed
from shop.orders.models import Order, OrderStatus
from shop.orders.services import orders as order_services
from tests.orders.helpers import level

from .helpers import CARD_DECLINED, CARD_OK, checkout_online, pay, pay_with_card

pytestmark = pytest.mark.django_db


def ledger(order):
    return list(order.payment_entries.values_list("kind", "amount_cents"))


def test_checkout_reserves_and_creates_one_intent_then_authorisation_places(
    fake_stripe, store, shopper, jacket, socks
):
    order = checkout_online(shopper, store, [(jacket, 1), (socks, 2)])
    assert order.status == OrderStatus.PAYMENT_PENDING
    assert order.amount_due == 0
    assert level(store, jacket) == (10, 1)
    payment = order.payment
    assert payment.amount_cents == 5990  # 49.90 + 2 × 5.00, in cents
    intent = fake_stripe.intents[payment.intent_id]
    assert intent["capture_method"] == "manual"
    assert intent["amount"] == 5990
    # A double click: the same order, the same intent, no second create call.
    again = checkout_online(shopper, store, [(jacket, 1), (socks, 2)])
    assert again.pk == order.pk
    creates = [r for r in fake_stripe.requests if r[1] == "/v1/payment_intents"]
    assert len(creates) == 1

    assert pay(fake_stripe, order)["status"] == "requires_capture"
    payment_refresh(payment=payment, source="test")
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    assert ledger(order) == [(EntryKind.AUTHORISED, 5990)]


def test_the_desk_says_an_online_order_is_authorised_not_yet_charged(
    client, fake_stripe, store, shopper, jacket, associate
):
    from tests.payments.helpers import CARD_OK

    order = checkout_online(shopper, store, [(jacket, 1)], card=CARD_OK)
    assert order.status == OrderStatus.PLACED
    client.force_login(associate)
    page = client.get(f"/desk/orders/{order.public_id}/").content.decode()
    assert '<span data-testid="desk-payment-method">(authorised online)</span>' in page


def test_short_pick_captures_less_and_a_return_refunds_one_line(
    fake_stripe, store, shopper, jacket, socks, associate
):
    order = checkout_online(shopper, store, [(jacket, 1), (socks, 2)])
    pay(fake_stripe, order)
    payment_refresh(payment=order.payment, source="test")
    order_services.order_start_picking(order=order, actor=associate)
    line = order.lines.get(variant=socks)
    order_services.order_mark_line_short(line=line, units=1, actor=associate)
    from tests.orders.helpers import drop_rescues

    drop_rescues(order)
    order_services.order_mark_ready(order=order, actor=associate)
    order.refresh_from_db()
    order = order_services.order_collect(order=order, code=order.pickup_code, actor=associate)
    assert order.status == OrderStatus.COLLECTED
    intent = fake_stripe.intents[order.payment.intent_id]
    assert intent["status"] == "succeeded"
    assert intent["amount_received"] == 5490  # one pair of socks was not there
    payment = Payment.objects.get(order=order)
    assert payment.status == PaymentStatus.CAPTURED
    assert payment.captured_cents == 5490
    invoice = Invoice.objects.get(order=order, kind="invoice")
    assert invoice.total_cents == 5490
    assert (EntryKind.CAPTURED, 5490) in ledger(order)


def test_capture_failure_leaves_the_order_ready(fake_stripe, store, shopper, jacket, associate):
    order = checkout_online(shopper, store, [(jacket, 1)])
    pay(fake_stripe, order)
    payment_refresh(payment=order.payment, source="test")
    order_services.order_start_picking(order=order, actor=associate)
    order_services.order_mark_ready(order=order, actor=associate)
    order.refresh_from_db()
    fake_stripe.fail_next(
        "capture", status=402, code="expired_card", message="Your card has expired."
    )
    with pytest.raises(PaymentFailed, match="Your card has expired"):
        order_services.order_collect(order=order, code=order.pickup_code, actor=associate)
    order.refresh_from_db()
    assert order.status == OrderStatus.READY
    assert level(store, jacket) == (10, 1)
    assert Payment.objects.get(order=order).status == PaymentStatus.AUTHORISED
    # The retry goes through.
    order = order_services.order_collect(order=order, code=order.pickup_code, actor=associate)
    assert order.status == OrderStatus.COLLECTED
    assert Payment.objects.get(order=order).captured_cents == 4990


def test_cancel_voids_the_authorisation(fake_stripe, store, shopper, jacket):
    order = checkout_online(shopper, store, [(jacket, 1)])
    pay(fake_stripe, order)
    payment_refresh(payment=order.payment, source="test")
    order_services.order_cancel(order=order, actor=shopper)
    assert fake_stripe.intents[order.payment.intent_id]["status"] == "canceled"
    assert Payment.objects.get(order=order).status == PaymentStatus.VOIDED
    assert level(store, jacket) == (10, 0)
    assert (EntryKind.VOIDED, 0) in ledger(order)


def test_expiry_voids_the_authorisation(fake_stripe, store, shopper, jacket, associate):
    order = checkout_online(shopper, store, [(jacket, 1)])
    pay(fake_stripe, order)
    payment_refresh(payment=order.payment, source="test")
    order_services.order_start_picking(order=order, actor=associate)
    order_services.order_mark_ready(order=order, actor=associate)
    Order.objects.filter(pk=order.pk).update(hold_until=timezone.now() - dt.timedelta(minutes=1))
    order_services.order_expire(order=order)
    assert fake_stripe.intents[order.payment.intent_id]["status"] == "canceled"
    assert Payment.objects.get(order=order).status == PaymentStatus.VOIDED
    assert level(store, jacket) == (10, 0)


def test_declined_card_at_checkout_reserves_nothing(fake_stripe, store, shopper, jacket):
    from shop.orders.errors import PaymentDeclined
    from shop.orders.models import Cart

    with pytest.raises(PaymentDeclined, match=r"Your card was declined\. Nothing was ordered\."):
        checkout_online(shopper, store, [(jacket, 1)], card=CARD_DECLINED)
    assert not Order.objects.exists()
    assert not Payment.objects.exists()
    assert level(store, jacket) == (10, 0)
    assert Cart.objects.get(user=shopper).lines.get().quantity == 1  # the cart is kept
    # Stripe was asked once, with the card and confirm=true, manual capture.
    create = next(r for r in fake_stripe.requests if r[1] == "/v1/payment_intents")
    assert create[2]["confirm"] == "true"
    assert create[2]["payment_method"] == CARD_DECLINED
    # Another card at once: placed, authorised, reserved.
    order = checkout_online(shopper, store, [(jacket, 1)], card=CARD_OK)
    assert order.status == OrderStatus.PLACED
    assert Payment.objects.get(order=order).status == PaymentStatus.AUTHORISED
    assert ledger(order) == [(EntryKind.AUTHORISED, 4990)]
    assert level(store, jacket) == (10, 1)


def test_failed_3d_secure_waits_then_the_stock_goes_back(fake_stripe, store, shopper, jacket):
    order = checkout_online(shopper, store, [(jacket, 1)])  # asks for 3-D Secure
    assert order.status == OrderStatus.PAYMENT_PENDING
    assert level(store, jacket) == (10, 1)
    pay(fake_stripe, order, approve=False)
    payment_refresh(payment=order.payment, source="test")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAYMENT_PENDING
    assert not order.events.filter(to_status=OrderStatus.PLACED).exists()
    assert "authentication" in Payment.objects.get(order=order).last_error
    # The shopper leaves: after the payment window the stock is back on sale.
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    assert payments_release_abandoned() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert level(store, jacket) == (10, 0)
    assert fake_stripe.intents[order.payment.intent_id]["status"] == "canceled"


def test_failed_3d_secure_then_another_card_on_the_pay_page(fake_stripe, store, shopper, jacket):
    order = checkout_online(shopper, store, [(jacket, 1)])
    pay(fake_stripe, order, approve=False)
    status, _body = pay_with_card(fake_stripe, order, "4242424242424242")
    assert status == 200
    payment_refresh(payment=order.payment, source="test")
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED


def test_unknown_payment_method_reserves_nothing(fake_stripe, store, shopper, jacket):
    from shop.orders.errors import OrderError

    with pytest.raises(OrderError, match="Online payment is not possible right now"):
        checkout_online(shopper, store, [(jacket, 1)], card="pm_forged")
    assert not Order.objects.exists()
    assert level(store, jacket) == (10, 0)


def test_amount_too_large_reserves_nothing(fake_stripe, store, shopper):
    from shop.orders.errors import OrderError
    from tests import factories

    variant = factories.stocked_variant(store, "99999.00", units=20)
    with pytest.raises(OrderError, match="Amount must be no more than"):
        checkout_online(shopper, store, [(variant, 11)])
    assert not Order.objects.exists()
    assert level(store, variant) == (20, 0)


def test_provider_down_at_checkout_reserves_nothing(fake_stripe, store, shopper, jacket):
    from shop.orders.errors import OrderError

    fake_stripe.fail_next("create", status=500)
    with pytest.raises(OrderError, match="Online payment is not possible right now"):
        checkout_online(shopper, store, [(jacket, 1)])
    assert not Order.objects.exists()
    assert level(store, jacket) == (10, 0)


def test_nothing_found_cancels_and_voids(fake_stripe, store, shopper, jacket, associate):
    order = checkout_online(shopper, store, [(jacket, 1)])
    pay(fake_stripe, order)
    payment_refresh(payment=order.payment, source="test")
    order_services.order_start_picking(order=order, actor=associate)
    order = order_services.order_mark_line_short(line=order.lines.get(), units=1, actor=associate)
    assert order.status == OrderStatus.CANCELLED
    assert fake_stripe.intents[order.payment.intent_id]["status"] == "canceled"
    assert Payment.objects.get(order=order).status == PaymentStatus.VOIDED


def test_authorisation_about_to_lapse_is_captured_early_and_refunded_on_expiry(
    fake_stripe, store, shopper, jacket, associate
):
    from payments.services import payments_capture_before_lapse

    order = checkout_online(shopper, store, [(jacket, 1)])
    pay(fake_stripe, order)
    payment_refresh(payment=order.payment, source="test")
    order_services.order_start_picking(order=order, actor=associate)
    order_services.order_mark_ready(order=order, actor=associate)
    assert payments_capture_before_lapse() == 0  # fresh: nothing to do
    Payment.objects.filter(order=order).update(
        authorised_at=timezone.now() - dt.timedelta(days=6, hours=1)
    )
    assert payments_capture_before_lapse() == 1
    payment = Payment.objects.get(order=order)
    assert (payment.status, payment.captured_cents) == (PaymentStatus.CAPTURED, 4990)
    Order.objects.filter(pk=order.pk).update(hold_until=timezone.now() - dt.timedelta(minutes=1))
    order_services.order_expire(order=order)
    payment.refresh_from_db()
    assert payment.refunded_cents == 4990
    assert [r["amount"] for r in fake_stripe.refunds.values()] == [4990]
    assert Invoice.objects.filter(order=order, kind="credit_note").count() == 1


def test_reconciliation_reports_and_applies_what_the_provider_did(
    fake_stripe, store, shopper, jacket
):
    from payments.services import payments_reconcile

    order = checkout_online(shopper, store, [(jacket, 1)])
    pay(fake_stripe, order)  # authorised at Stripe; our webhook never came
    assert Payment.objects.get(order=order).status == PaymentStatus.PENDING
    differences = payments_reconcile()
    assert [(d.order, d.ours, d.theirs) for d in differences] == [
        (order.number, "pending 0", "requires_capture 0")
    ]
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    assert payments_reconcile() == []


def test_desk_shows_a_failed_capture_and_the_retry_hands_over(
    client, fake_stripe, store, shopper, jacket, associate
):
    order = checkout_online(shopper, store, [(jacket, 1)])
    pay(fake_stripe, order)
    payment_refresh(payment=order.payment, source="test")
    order_services.order_start_picking(order=order, actor=associate)
    order_services.order_mark_ready(order=order, actor=associate)
    order.refresh_from_db()
    client.force_login(associate)
    fake_stripe.fail_next("capture", status=503, code="api_error", message="Stripe is down.")
    response = client.post("/desk/collect/", {"code": order.pickup_code}, HTTP_HX_REQUEST="true")
    assert "The online payment could not be taken" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.READY
    response = client.post("/desk/collect/", {"code": order.pickup_code}, HTTP_HX_REQUEST="true")
    order.refresh_from_db()
    assert order.status == OrderStatus.COLLECTED
