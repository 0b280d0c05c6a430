"""The pickup promise with a fixed clock: ready-by per store, the order's promised time, the hold
in opening days, and "heute" only when a store can still make it today."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from shop.orders.services import orders as services
from stores.models import SpecialDay
from tests import factories
from tests.clock import berlin, freeze

CITY_CENTRE = [(day, "10:00", "20:00") for day in range(6)]


@pytest.fixture
def koeln(db):
    return factories.StoreFactory(
        code="koeln", name="Omnishop Köln", state="NW", hours=CITY_CENTRE, pickup_hold_days=3
    )


@pytest.fixture
def jacket(koeln):
    return factories.stocked_variant(koeln, "49.90", units=20)


def test_product_page_and_cart_say_when_an_order_placed_now_is_ready(
    client, koeln, jacket, monkeypatch
):
    freeze(monkeypatch, berlin(2026, 12, 7, 13, 52))  # Monday; 120 min to prepare → 16:00
    page = client.get(jacket.product.get_absolute_url(), headers={"accept-language": "de"})
    assert "Abholbereit heute ab 16:00 Uhr" in page.content.decode()
    client.post(reverse("pickup:cart_add"), {"variant": jacket.pk, "quantity": 1})
    cart = client.get(reverse("pickup:cart"), headers={"accept-language": "de"}).content.decode()
    assert "Abholbereit heute ab 16:00 Uhr" in cart


def test_the_queue_of_open_orders_delays_the_promise(client, koeln, jacket, monkeypatch):
    freeze(monkeypatch, berlin(2026, 12, 7, 13, 52))
    for _n in range(3):  # three orders waiting: 30 more minutes
        factories.pickup_order(koeln, [(jacket, 1)])
    page = client.get(jacket.product.get_absolute_url()).content.decode()
    assert "Ready today from 4:30 pm" in page


def test_an_order_just_before_closing_on_saturday_is_promised_for_monday(
    koeln, jacket, monkeypatch
):
    freeze(monkeypatch, berlin(2026, 12, 5, 19, 40))
    order = factories.pickup_order(koeln, [(jacket, 1)])
    # 20 minutes on Saturday, 100 on Monday from 10:00 → 11:40 → 11:45.
    assert order.promised_ready_at == berlin(2026, 12, 7, 11, 45)


def test_a_promise_on_christmas_eve_skips_the_holidays(client, koeln, jacket, monkeypatch):
    SpecialDay.objects.create(
        store=koeln, date=dt.date(2026, 12, 24), opens=dt.time(10), closes=dt.time(14)
    )
    freeze(monkeypatch, berlin(2026, 12, 24, 12, 30))
    order = factories.pickup_order(koeln, [(jacket, 1)])
    # 90 minutes on the 24th (until 14:00), then the holidays and Sunday: Monday 10:30.
    assert order.promised_ready_at == berlin(2026, 12, 28, 10, 30)


def test_ready_in_time_keeps_the_promise_and_the_hold_ends_at_closing_time(
    client, koeln, jacket, monkeypatch
):
    freeze(monkeypatch, berlin(2026, 12, 2, 12, 0))  # Wednesday
    order = factories.pickup_order(koeln, [(jacket, 1)])
    assert order.promised_ready_at == berlin(2026, 12, 2, 14, 0)
    associate = factories.UserFactory(is_superuser=True, is_staff=True)
    freeze(monkeypatch, berlin(2026, 12, 2, 13, 30))
    services.order_start_picking(order=order, actor=associate)
    order = services.order_mark_ready(order=order, actor=associate)
    assert order.promise_kept is True
    # Three opening days after Wednesday: Thursday, Friday, Saturday until 20:00.
    assert order.hold_until == berlin(2026, 12, 5, 20, 0)
    client.force_login(order.customer)
    html = client.get(order.get_absolute_url(), headers={"accept-language": "de"}).content
    assert "Sa., 5. Dezember, 20:00 Uhr" in html.decode()


def test_ready_late_breaks_the_promise_and_a_hold_runs_across_the_weekend(
    koeln, jacket, monkeypatch
):
    freeze(monkeypatch, berlin(2026, 12, 4, 10, 0))  # Friday
    order = factories.pickup_order(koeln, [(jacket, 1)])
    associate = factories.UserFactory(is_superuser=True, is_staff=True)
    freeze(monkeypatch, berlin(2026, 12, 4, 15, 0))
    services.order_start_picking(order=order, actor=associate)
    order = services.order_mark_ready(order=order, actor=associate)
    assert order.promise_kept is False
    # Saturday, (Sunday closed), Monday, Tuesday: held until Tuesday 20:00.
    assert order.hold_until == berlin(2026, 12, 8, 20, 0)


def test_the_placed_e_mail_tells_the_promised_time_in_german(koeln, jacket, monkeypatch):
    from django.core import mail

    from tests.notifications.helpers import deliver

    freeze(monkeypatch, berlin(2026, 12, 7, 13, 52))
    customer = factories.UserFactory(language="de")
    with translation.override("de"):  # the order keeps the language it was placed in
        factories.pickup_order(koeln, [(jacket, 1)], customer=customer)
    deliver(kind="order_placed", channel="email", recipient=customer)
    sent = [m for m in mail.outbox if customer.email in m.to]
    assert sent
    assert "Abholbereit ab Mo., 7. Dezember, 16:00 Uhr" in sent[0].body


def test_the_ready_e_mail_says_until_when_the_order_is_held(koeln, jacket, monkeypatch):
    from django.core import mail

    from tests.notifications.helpers import deliver

    freeze(monkeypatch, berlin(2026, 12, 2, 12, 0))
    customer = factories.UserFactory(language="de")
    with translation.override("de"):
        factories.pickup_order(koeln, [(jacket, 1)], customer=customer, status="ready")
    deliver(kind="order_ready", channel="email", recipient=customer)
    sent = [m for m in mail.outbox if customer.email in m.to and "Sa., 5. Dezember" in m.body]
    assert sent and "Sa., 5. Dezember, 20:00 Uhr" in sent[0].body


@pytest.mark.parametrize(
    ("moment", "german"),
    [
        (berlin(2026, 12, 5, 21, 0), "Kostenlos online reservieren. Abholbereit Mo. ab 12:00 Uhr."),
        (berlin(2026, 12, 6, 22, 30), "Kostenlos online reservieren. Abholbereit morgen ab 12:00"),
        (berlin(2026, 12, 7, 10, 0), "Online reservieren – heute noch kostenlos in Ihrer Filiale"),
        # An hour of work today, an hour tomorrow from 10:00.
        (berlin(2026, 12, 7, 19, 0), "Kostenlos online reservieren. Abholbereit morgen ab 11:00"),
    ],
)
def test_the_top_bar_says_today_only_when_a_store_can_still_make_it(
    client, koeln, monkeypatch, moment, german
):
    freeze(monkeypatch, moment)
    text = client.get(reverse("stores:promise"), headers={"accept-language": "de"}).content
    assert german in text.decode()


def test_checkout_shows_each_stores_ready_by_time(client, koeln, jacket, monkeypatch):
    freeze(monkeypatch, berlin(2026, 12, 5, 19, 0))  # Saturday evening
    client.force_login(factories.UserFactory())
    client.post(reverse("pickup:cart_add"), {"variant": jacket.pk, "quantity": 1})
    html = client.get(reverse("pickup:checkout"), headers={"accept-language": "de"}).content
    # An hour on Saturday, an hour on Monday from 10:00.
    assert "Abholbereit Mo. ab 11:00 Uhr" in html.decode()


def test_the_api_and_the_desk_show_the_promised_time(client, koeln, jacket, monkeypatch):
    freeze(monkeypatch, berlin(2026, 12, 7, 13, 52))
    order = factories.pickup_order(koeln, [(jacket, 1)])
    client.force_login(order.customer)
    body = client.get(f"/api/v1/orders/{order.number}/").json()
    assert body["promised_ready_at"] == "2026-12-07T16:00:00+01:00"
    assert body["promise_kept"] is None
    associate = factories.staff(koeln)
    client.force_login(associate)
    html = client.get(reverse("pickup:desk"), headers={"accept-language": "de"}).content.decode()
    assert "bis 16:00 Uhr" in html
