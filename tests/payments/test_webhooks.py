"""POST /payments/stripe/webhook/: signed, idempotent by event id, forward only."""

import time

import pytest

from payments.models import Payment, PaymentStatus, WebhookEvent
from shop.orders.models import OrderStatus

from .helpers import checkout_online, pay

pytestmark = pytest.mark.django_db
URL = "/payments/stripe/webhook/"


def post(client, fake, event, **sign):
    payload, header = fake.signed_event(event, **sign)
    return client.post(URL, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


def authorised_event(fake, order):
    return next(
        e
        for e in fake.events
        if e["type"] == "payment_intent.amount_capturable_updated"
        and e["data"]["object"]["id"] == order.payment.intent_id
    )


def test_authorisation_event_places_the_order_once(client, fake_stripe, store, shopper, jacket):
    order = checkout_online(shopper, store, [(jacket, 1)])
    pay(fake_stripe, order)
    event = authorised_event(fake_stripe, order)
    response = post(client, fake_stripe, event)
    assert response.status_code == 200
    assert response.json()["outcome"] == "applied"
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    events = order.events.count()
    # Stripe delivers it again: nothing changes.
    again = post(client, fake_stripe, event)
    assert again.status_code == 200
    assert again.json()["outcome"] == "duplicate"
    assert order.events.count() == events
    assert order.payment_entries.count() == 1


def test_events_out_of_order_only_move_forward(
    client, fake_stripe, store, shopper, jacket, associate
):
    from shop.orders.services import orders as order_services

    order = checkout_online(shopper, store, [(jacket, 1)])
    pay(fake_stripe, order)
    authorised = authorised_event(fake_stripe, order)
    post(client, fake_stripe, authorised)
    order_services.order_start_picking(order=order, actor=associate)
    order_services.order_mark_ready(order=order, actor=associate)
    order.refresh_from_db()
    order_services.order_collect(order=order, code=order.pickup_code, actor=associate)
    succeeded = next(e for e in fake_stripe.events if e["type"] == "payment_intent.succeeded")
    assert post(client, fake_stripe, succeeded).status_code == 200
    # A late copy of the authorisation (another event id) after the capture: ignored.
    late = dict(authorised, id="evt_late_copy")
    assert post(client, fake_stripe, late).status_code == 200
    payment = Payment.objects.get(order=order)
    assert payment.status == PaymentStatus.CAPTURED
    order.refresh_from_db()
    assert order.status == OrderStatus.COLLECTED


def test_cancel_event_before_authorisation_releases_the_order(
    client, fake_stripe, store, shopper, jacket
):
    order = checkout_online(shopper, store, [(jacket, 1)])
    intent = dict(fake_stripe.intents[order.payment.intent_id], status="canceled")
    event = fake_stripe.event("payment_intent.canceled", intent)
    assert post(client, fake_stripe, event).status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    # …and an authorisation arriving after that does not bring it back.
    late = fake_stripe.event(
        "payment_intent.amount_capturable_updated", dict(intent, status="requires_capture")
    )
    assert post(client, fake_stripe, late).status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


@pytest.mark.parametrize("how", ["wrong secret", "replayed", "no signature", "not json"])
def test_forged_or_replayed_webhooks_are_refused(client, fake_stripe, store, shopper, jacket, how):
    order = checkout_online(shopper, store, [(jacket, 1)])
    pay(fake_stripe, order)
    event = authorised_event(fake_stripe, order)
    if how == "wrong secret":
        response = post(client, fake_stripe, event, secret="whsec_forged")
    elif how == "replayed":
        response = post(client, fake_stripe, event, timestamp=int(time.time()) - 3600)
    elif how == "no signature":
        response = client.post(URL, b"{}", content_type="application/json")
    else:
        _payload, header = fake_stripe.signed_event(event)
        response = client.post(
            URL, b"not json", content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.status == OrderStatus.PAYMENT_PENDING
    assert not WebhookEvent.objects.exists()
    assert Payment.objects.get(order=order).status == PaymentStatus.PENDING
