"""Someone else collects (issue 13): the shopper names a person, who gets their own pickup code
and a forwardable link with the QR; the handover takes either code through the same rate limit,
records who collected, and the shopper gets a proof of pickup."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from notifications.models import Notification
from shop.orders.errors import HandoverRateLimited, OrderError, OrderNotFound, WrongPickupCode
from shop.orders.links import collector_token_read, collector_url
from shop.orders.models import CollectedBy, OrderStatus
from shop.orders.pickup_codes import pickup_code_format
from shop.orders.services.collector import order_collector_set
from shop.orders.services.orders import (
    WRONG_CODES_PER_ORDER,
    order_collect,
    order_collect_by_code,
)
from tests import factories
from tests.orders.helpers import level, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(store, jacket, shopper):
    return factories.pickup_order(store, [(jacket, 1)], customer=shopper, status="ready")


def _named(order, email="anna@example.com"):
    return order_collector_set(order=order, actor=order.customer, name="Anna  Berger", email=email)


def test_naming_a_collector_gives_them_their_own_code_and_an_email(order):
    order = _named(order)
    assert order.collector_name == "Anna Berger"
    assert len(order.collector_code) == 8 and order.collector_code != order.pickup_code
    mails = Notification.objects.filter(kind="order_collector", subject_id=str(order.pk))
    assert [(n.channel, n.recipient_email, n.recipient_id) for n in mails] == [
        ("email", "anna@example.com", None)
    ]
    assert "Anna Berger may collect" in order.events.last().note_text


def test_the_collector_code_hands_over_and_is_recorded_with_a_proof_for_the_shopper(
    order, associate, store, jacket
):
    order = _named(order)
    order = order_collect(order=order, code=order.collector_code.lower(), actor=associate)
    assert order.status == OrderStatus.COLLECTED
    assert order.collected_by == CollectedBy.COLLECTOR
    assert "collected by Anna Berger" in order.events.last().note_text
    proof = Notification.objects.filter(kind="order_collected", subject_id=str(order.pk))
    assert {n.channel for n in proof} == {"email", "in_app"}
    assert {n.recipient_email for n in proof} == {order.customer.email}
    assert level(store, jacket) == (9, 0)


def test_the_shoppers_own_code_still_works_and_is_recorded(order, associate):
    order = _named(order)
    order = order_collect(order=order, code=pickup_code_format(order.pickup_code), actor=associate)
    assert order.collected_by == CollectedBy.CUSTOMER


def test_the_desk_scanner_finds_the_order_by_the_collector_code(order, associate, store):
    order = _named(order)
    found = order_collect_by_code(store=store, code=order.collector_code, actor=associate)
    assert found.pk == order.pk and found.collected_by == CollectedBy.COLLECTOR


def test_wrong_codes_count_against_the_same_limit(order, associate):
    order = _named(order)
    for _ in range(WRONG_CODES_PER_ORDER):
        with pytest.raises(WrongPickupCode):
            order_collect(order=order, code="XXXXXXXX", actor=associate)
    with pytest.raises(HandoverRateLimited):
        order_collect(order=order, code=order.collector_code, actor=associate)
    order.refresh_from_db()
    assert order.status == OrderStatus.READY and order.collected_by == ""


def test_a_new_collector_gets_a_new_code_and_the_old_link_stops_working(client, order, associate):
    order = _named(order)
    old_code, old_link = order.collector_code, collector_url(order)
    assert client.get(old_link).status_code == 200
    order = order_collector_set(
        order=order, actor=order.customer, name="Ben Cole", email="ben@example.com"
    )
    assert order.collector_code != old_code
    assert client.get(old_link).status_code == 404
    with pytest.raises(WrongPickupCode):
        order_collect(order=order, code=old_code, actor=associate)
    # Taking it back: only the shopper's code works.
    order = order_collector_set(order=order, actor=order.customer, name="")
    assert (order.collector_name, order.collector_code) == ("", "")


def test_the_collector_page_shows_their_code_and_qr_without_signing_in(client, order):
    order = _named(order)
    html = client.get(collector_url(order)).content.decode()
    assert pickup_code_format(order.collector_code) in html
    assert "<svg" in html and order.store.name in html
    assert order.pickup_code not in html  # never the shopper's own code
    assert client.get(reverse("pickup:order_collect_link", args=["x"])).status_code == 404


def test_bad_input_and_strangers_change_nothing(order, associate):
    before = snapshot(order)
    with pytest.raises(OrderError):
        order_collector_set(order=order, actor=order.customer, name="Anna", email="not-an-email")
    with pytest.raises(OrderError):
        order_collector_set(order=order, actor=order.customer, name="A" * 101)
    with pytest.raises(OrderNotFound):
        order_collector_set(order=order, actor=associate, name="Anna")
    assert snapshot(order) == before
    order.refresh_from_db()
    assert order.collector_code == ""


def test_a_closed_order_gets_no_collector(store, jacket, shopper):
    order = factories.pickup_order(store, [(jacket, 1)], customer=shopper, status="collected")
    with pytest.raises(OrderError, match="nobody else can collect"):
        order_collector_set(order=order, actor=shopper, name="Anna")


def test_order_page_form_and_api(client, order):
    client.force_login(order.customer)
    response = client.post(
        reverse("pickup:order_collector", args=[order.public_id]),
        {"collector_name": "Anna", "collector_email": "bad"},
        follow=True,
    )
    assert "valid e-mail" in response.content.decode()
    client.post(
        reverse("pickup:order_collector", args=[order.public_id]),
        {"collector_name": "Anna", "collector_email": ""},
    )
    order.refresh_from_db()
    html = client.get(order.get_absolute_url()).content.decode()
    assert pickup_code_format(order.collector_code) in html
    [token] = re.findall(r'href="/orders/collect/([^/"]+)/"', html)
    assert collector_token_read(token) == (str(order.public_id), order.collector_code)

    api = APIClient()
    api.force_authenticate(order.customer)
    response = api.post(
        f"/api/v1/orders/{order.number}/collector/",
        {"name": "Ben", "email": "ben@example.com"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["collector_name"] == "Ben"
    assert "collector_code" not in response.json()
    assert (
        api.post(f"/api/v1/orders/{order.number}/collector/", {}, format="json").status_code == 400
    )


def test_the_collector_email_and_the_proof_of_pickup_render(order, associate, settings):
    from django.core import mail

    from tests.notifications.helpers import deliver

    order = _named(order)
    [row] = deliver(kind="order_collector", channel="email")
    assert row.status == "sent", row.last_error
    [message] = mail.outbox
    assert message.to == ["anna@example.com"]
    assert pickup_code_format(order.collector_code) in message.body
    [token] = re.findall(re.escape(settings.SITE_URL) + r"/orders/collect/([^/\s]+)/", message.body)
    assert collector_token_read(token) == (str(order.public_id), order.collector_code)
    assert order.pickup_code not in message.body
    order_collect(order=order, code=order.collector_code, actor=associate)
    proof = deliver(kind="order_collected")
    assert {row.status for row in proof} == {"sent"}
    assert "Anna Berger" in mail.outbox[-1].body
