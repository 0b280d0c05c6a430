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
    # Stripe delivers it again (signed anew, a later timestamp): nothing changes.
    again = post(client, fake_stripe, event, timestamp=int(time.time()) + 1)
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


@pytest.mark.parametrize("how", ["wrong secret", "stale", "no signature", "not json"])
def test_forged_or_replayed_webhooks_are_refused(client, fake_stripe, store, shopper, jacket, how):
    order = checkout_online(shopper, store, [(jacket, 1)])
    pay(fake_stripe, order)
    event = authorised_event(fake_stripe, order)
    if how == "wrong secret":
        response = post(client, fake_stripe, event, secret="whsec_forged")
    elif how == "stale":  # signed more than 5 minutes ago
        response = post(client, fake_stripe, event, timestamp=int(time.time()) - 301)
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


def test_a_replayed_delivery_is_refused_and_changes_nothing(
    client, fake_stripe, store, shopper, jacket
):
    order = checkout_online(shopper, store, [(jacket, 1)])
    # An attacker captured a delivery (bytes and header) of the cancel event …
    intent = dict(fake_stripe.intents[order.payment.intent_id], status="canceled")
    captured_payload, captured_header = fake_stripe.signed_event(
        fake_stripe.event("payment_intent.canceled", intent)
    )
    # … which we had not received. The authorisation event arrives, then the captured bytes.
    pay(fake_stripe, order)
    assert post(client, fake_stripe, authorised_event(fake_stripe, order)).status_code == 200
    first = client.post(
        URL,
        captured_payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=captured_header,
    )
    assert first.status_code == 200  # the genuine first delivery of that event
    order.refresh_from_db()
    switched = order.events.count()
    replay = client.post(
        URL,
        captured_payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=captured_header,
    )
    assert replay.status_code == 400
    assert replay.json()["code"] == "webhook_replayed"
    assert "replayed" in replay.json()["detail"]
    # Padding the header (Stripe's parser ignores items it does not know) changes nothing.
    padded = client.post(
        URL,
        captured_payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=captured_header + ",v0=x",
    )
    assert padded.status_code == 400 and padded.json()["code"] == "webhook_replayed"
    assert order.events.count() == switched
    assert WebhookEvent.objects.count() == 2


def test_redelivery_and_replay_of_one_event(client, fake_stripe, store, shopper, jacket):
    order = checkout_online(shopper, store, [(jacket, 1)])
    pay(fake_stripe, order)
    event = authorised_event(fake_stripe, order)
    now = int(time.time())
    payload, header = fake_stripe.signed_event(event, timestamp=now - 10)
    assert (
        client.post(URL, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
    ).json()["outcome"] == "applied"
    order.refresh_from_db()
    events, entries = order.events.count(), order.payment_entries.count()
    # Stripe's redelivery: the same event id, signed anew → 200 "duplicate".
    redelivered = post(client, fake_stripe, event, timestamp=now)
    assert (redelivered.status_code, redelivered.json()["outcome"]) == (200, "duplicate")
    # The identical first delivery again (captured bytes) → 400.
    replay = client.post(
        URL, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    assert replay.status_code == 400
    assert (order.events.count(), order.payment_entries.count()) == (events, entries)


def test_authorisation_cancelled_at_stripe_switches_the_order_to_the_counter(
    client, fake_stripe, store, shopper, jacket, associate
):
    from decimal import Decimal

    from notifications.models import Notification
    from shop.orders.services import orders as order_services

    order = checkout_online(shopper, store, [(jacket, 1)], card="pm_card_visa")
    assert (order.status, order.amount_due) == (OrderStatus.PLACED, Decimal("0.00"))
    order_services.order_start_picking(order=order, actor=associate)
    # The authorisation lapses at Stripe (or someone cancels it in the dashboard).
    intent = fake_stripe.intents[order.payment.intent_id]
    intent.update(status="canceled", cancellation_reason="automatic", amount_capturable=0)
    event = fake_stripe.event("payment_intent.canceled", intent)
    assert post(client, fake_stripe, event).status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.PICKING  # the order goes on
    assert order.payment_method == "counter"
    assert order.amount_due == Decimal("49.90")
    payment = Payment.objects.get(order=order)
    assert payment.status == PaymentStatus.VOIDED
    note = order.events.order_by("created_at", "id").last()
    assert note.note_code == "payment_switched_to_counter"
    from django.utils import translation

    with translation.override("en"):
        assert "€49.90 is to be paid at the counter" in note.note_text
    with translation.override("de"):
        assert "49,90\xa0€" in note.note_text
    told = Notification.objects.filter(kind="order_changed", recipient=shopper)
    assert told.exists()
    messages = told.count()
    from django.core import mail

    from tests.notifications.helpers import deliver

    mail.outbox.clear()
    deliver(kind="order_changed", channel="email")
    [email] = mail.outbox
    assert "is no longer authorised" in email.body
    assert "please pay €49.90 at the counter" in email.body
    assert "could not find every item" not in email.body
    # The desk shows the amount to pay at the counter; the handover takes nothing online.
    order_services.order_mark_ready(order=order, actor=associate)
    client.force_login(associate)
    page = client.get(f"/desk/orders/{order.public_id}/").content.decode()
    assert "€49.90</strong>" in page
    assert '<span data-testid="desk-payment-method">(pay at the counter)</span>' in page
    order.refresh_from_db()
    order = order_services.order_collect(order=order, code=order.pickup_code, actor=associate)
    assert order.status == OrderStatus.COLLECTED
    assert fake_stripe.intents[order.payment.intent_id]["amount_received"] == 0
    # A second copy of the event changes nothing more.
    again = fake_stripe.event("payment_intent.canceled", intent)
    post(client, fake_stripe, again)
    assert told.count() == messages


def test_reconciliation_finds_a_lapsed_authorisation(fake_stripe, store, shopper, jacket):
    from decimal import Decimal

    from payments.services import payments_reconcile

    order = checkout_online(shopper, store, [(jacket, 1)], card="pm_card_visa")
    fake_stripe.intents[order.payment.intent_id].update(status="canceled", amount_capturable=0)
    differences = payments_reconcile()
    assert [(d.ours, d.theirs) for d in differences] == [("authorised 0", "canceled 0")]
    order.refresh_from_db()
    assert (order.status, order.payment_method) == (OrderStatus.PLACED, "counter")
    assert order.amount_due == Decimal("49.90")


def test_an_authorisation_without_an_order_is_voided_later(client, fake_stripe):
    """Stripe said yes, but our checkout was rolled back (a timeout, a failed commit): the
    event finds no payment; the 5-minute job voids the hold once the checkout is surely over."""
    import datetime as dt
    import uuid

    from django.utils import timezone

    from payments import stripe_api
    from payments.services import payments_void_orphans

    def authorised(metadata):
        intent = stripe_api.intent_create(
            amount_cents=4990,
            currency="eur",
            methods=["card"],
            metadata=metadata,
            key=str(uuid.uuid4()),
            payment_method="pm_card_visa",
        )
        event = next(
            e
            for e in fake_stripe.events
            if e["type"] == "payment_intent.amount_capturable_updated"
            and e["data"]["object"]["id"] == intent["id"]
        )
        assert post(client, fake_stripe, event).json()["outcome"] == "unknown payment"
        return intent["id"]

    ours = authorised({"order": "CC-GONE", "order_id": str(uuid.uuid4())})
    foreign = authorised({})  # not made by Omnishop: left alone
    assert payments_void_orphans() == 0  # too early: the checkout may still be committing
    later = timezone.now() + dt.timedelta(minutes=16)
    assert payments_void_orphans(now=later) == 1
    assert fake_stripe.intents[ours]["status"] == "canceled"
    assert fake_stripe.intents[foreign]["status"] == "requires_capture"
    assert payments_void_orphans(now=later) == 0  # once
