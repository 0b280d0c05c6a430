"""Short-pick rescue edge cases (issue 13): the same line marked short twice (double click, two
associates, desk then admin, a retried API call) opens one rescue and sends one message; an order
whose every unit is short is still offered the other store when one has the goods, and is
cancelled with a clear reason only when none has them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from notifications.models import Notification
from shop.orders.errors import OrderError
from shop.orders.models import Order, OrderStatus, RescueChoice, ShortPickRescue
from shop.orders.services.orders import order_mark_line_short, order_start_picking
from shop.orders.services.rescue import order_rescue_choose
from shop.orders.tasks import drop_unanswered_rescues
from tests import factories
from tests.orders.helpers import level, reservations, snapshot
from tests.wiring.conftest import give_credit, give_points, points

pytestmark = pytest.mark.django_db


@pytest.fixture
def near(jacket):
    """Potsdam, 27 km from the order's store in Berlin, with 3 jackets."""
    store = factories.StoreFactory(
        city="Potsdam", latitude=Decimal("52.390569"), longitude=Decimal("13.064473")
    )
    factories.stock(store, jacket, 3)
    return store


@pytest.fixture
def picking(store, jacket, socks, shopper, associate):
    """2 jackets and 1 pair of socks, being picked."""
    order = factories.pickup_order(store, [(jacket, 2), (socks, 1)], customer=shopper)
    return order_start_picking(order=order, actor=associate)


@pytest.fixture
def admin_client(client, associate):
    associate.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_order", "change_order"])
    )
    client.force_login(associate)
    return client


def _rescue_messages(order):
    ids = [str(pk) for pk in order.rescues.values_list("pk", flat=True)]
    return Notification.objects.filter(kind="order_rescue", subject_id__in=ids)


def _desk_short(client, order, line, units, seen):
    url = reverse("pickup:desk_mark_short", args=[order.public_id, line.pk])
    data = {"units": units, "already_short": seen, "confirmed": "yes"}
    return client.post(url, data, follow=True)


def test_a_double_click_on_the_desk_marks_the_line_short_once(admin_client, picking, store, jacket):
    line = picking.lines.get(variant=jacket)
    _desk_short(admin_client, picking, line, 1, 0)
    after_first = snapshot(picking)
    response = _desk_short(admin_client, picking, line, 1, 0)
    assert response.status_code == 200
    assert snapshot(picking) == after_first
    line.refresh_from_db()
    assert line.quantity_short == 1
    assert picking.rescues.count() == 1
    assert _rescue_messages(picking).count() == 2  # one e-mail and one in-app message
    assert level(store, jacket) == (9, 1)  # one jacket written off, one still reserved


def test_desk_then_admin_for_the_same_missing_unit_opens_one_rescue(admin_client, picking, jacket):
    line = picking.lines.get(variant=jacket)
    _desk_short(admin_client, picking, line, 1, 0)
    url = reverse("admin:orders_order_mark_short", args=[picking.pk, line.pk])
    response = admin_client.post(url, {"units": 1, "already_short": 0}, follow=True)
    assert response.status_code == 200
    assert picking.rescues.count() == 1 and _rescue_messages(picking).count() == 2
    line.refresh_from_db()
    assert line.quantity_short == 1


def test_a_marking_based_on_an_outdated_view_is_refused_with_a_reason(
    admin_client, picking, associate, jacket
):
    line = picking.lines.get(variant=jacket)
    order_mark_line_short(line=line, units=1, actor=associate, already_short=0)
    before = snapshot(picking)
    with pytest.raises(OrderError, match="Meanwhile 1 unit"):
        order_mark_line_short(line=line, units=2, actor=associate, already_short=0)
    response = _desk_short(admin_client, picking, line, 2, 0)
    assert "Meanwhile 1 unit(s) of" in response.content.decode()
    assert snapshot(picking) == before
    # Seen as it is now, a further missing unit is a new short pick with its own question.
    order_mark_line_short(line=line, units=1, actor=associate, already_short=1)
    assert picking.rescues.count() == 2


def test_the_api_may_retry_a_short_pick_safely(picking, associate, jacket):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=associate).key}")
    line = picking.lines.get(variant=jacket)
    url = f"/api/v1/staff/orders/{picking.number}/lines/{line.pk}/short/"
    first = api.post(url, {"units": 1, "already_short": 0}, format="json")
    again = api.post(url, {"units": 1, "already_short": 0}, format="json")
    assert first.status_code == again.status_code == 200
    assert first.json()["total"] == again.json()["total"]
    assert picking.rescues.count() == 1
    stale = api.post(url, {"units": 1, "already_short": 5}, format="json")
    assert stale.status_code == 409 and "Meanwhile" in stale.json()["detail"]


def _all_short(picking, associate, jacket, socks):
    order_mark_line_short(line=picking.lines.get(variant=socks), units=1, actor=associate)
    return order_mark_line_short(line=picking.lines.get(variant=jacket), units=2, actor=associate)


@pytest.fixture
def everything_short(store, associate, jacket, socks, near):
    """Jackets only: both missing; Potsdam has them. Points and credit were used."""
    shopper = factories.UserFactory()
    balance = give_points(shopper, "3000.00")
    give_credit(shopper, "20.00")
    order = factories.pickup_order(
        store,
        [(jacket, 2)],
        customer=shopper,
        points_to_redeem=1000,
        use_store_credit=True,
    )
    assert order.points_redeemed == 1000 and order.store_credit_used == Decimal("20.00")
    order = order_start_picking(order=order, actor=associate)
    mail.outbox.clear()
    order = order_mark_line_short(line=order.lines.get(), units=2, actor=associate)
    order.points_before = balance
    return order


def test_every_unit_short_still_offers_the_store_that_has_them(everything_short, store, jacket):
    order = everything_short
    order.refresh_from_db()
    assert order.status == OrderStatus.PICKING  # not silently cancelled
    rescue = order.rescues.get()
    assert rescue.is_open and rescue.units == 2
    assert order.total == order.amount_due == Decimal("0.00")
    # Nothing is left to pay with points or credit: both are back in the wallet.
    assert order.points_redeemed == 0 and order.store_credit_used == Decimal("0.00")
    assert points(order.customer) == order.points_before
    assert level(store, jacket) == (8, 0) and reservations(order) == {}
    assert not Notification.objects.filter(kind="order_cancelled").exists()
    assert _rescue_messages(order).count() == 2  # the shopper is asked (e-mail and in-app)


def test_choosing_the_other_store_moves_everything_there_and_closes_the_empty_order(
    everything_short, near, jacket
):
    order = everything_short
    rescue = order_rescue_choose(
        rescue=order.rescues.get(), choice=RescueChoice.OTHER_STORE, actor=order.customer
    )
    new = rescue.rescue_order
    assert new.store == near and new.status == OrderStatus.PLACED
    assert level(near, jacket) == (3, 2) and reservations(new) == {jacket.pk: 2}
    assert new.promised_ready_at is not None
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert near.name in order.events.last().note_text
    # The shopper chose this: the new order's confirmation, no cancellation message.
    assert not Notification.objects.filter(kind="order_cancelled", subject_id=order.pk).exists()
    assert Notification.objects.filter(kind="order_placed", subject_id=new.pk).exists()
    # A second click on the same link changes nothing.
    again = order_rescue_choose(
        rescue=order.rescues.get(), choice=RescueChoice.OTHER_STORE, actor=order.customer
    )
    assert again.rescue_order_id == new.pk and Order.objects.count() == 2


@pytest.mark.parametrize("how", ["drop", "timed_out"])
def test_dropping_or_no_answer_cancels_the_empty_order_and_tells_the_shopper(everything_short, how):
    order = everything_short
    rescue = order.rescues.get()
    if how == "drop":
        order_rescue_choose(rescue=rescue, choice=RescueChoice.DROP, actor=order.customer)
    else:
        ShortPickRescue.objects.filter(pk=rescue.pk).update(
            deadline=timezone.now() - dt.timedelta(minutes=1)
        )
        assert drop_unanswered_rescues() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert "Nothing is left to hand over" in order.events.last().note_text
    assert Notification.objects.filter(kind="order_cancelled", subject_id=order.pk).exists()
    assert points(order.customer) == everything_short.points_before


def test_every_unit_short_and_no_store_has_them_cancels_with_a_clear_reason(
    picking, associate, store, jacket, socks, shopper
):
    from tests.notifications.helpers import deliver

    mail.outbox.clear()
    order = _all_short(picking, associate, jacket, socks)
    deliver(kind="order_cancelled", channel="email", recipient=shopper)
    assert order.status == OrderStatus.CANCELLED
    assert "no other store has them" in order.events.last().note_text
    assert not order.rescues.filter(choice=RescueChoice.OPEN).exists()
    told = [m for m in mail.outbox if shopper.email in m.to and "no other store has them" in m.body]
    assert told, [m.body for m in mail.outbox]
    assert level(store, jacket) == (8, 0) and level(store, socks) == (9, 0)


def test_an_earlier_open_rescue_with_a_store_keeps_the_emptied_order_waiting(
    picking, associate, store, jacket, socks, near
):
    """Socks are nowhere else, jackets are in Potsdam: the shopper may still fetch the jackets."""
    order = order_mark_line_short(line=picking.lines.get(variant=jacket), units=2, actor=associate)
    order = order_mark_line_short(line=picking.lines.get(variant=socks), units=1, actor=associate)
    assert order.status == OrderStatus.PICKING
    assert order.rescues.filter(choice=RescueChoice.OPEN).count() == 2
    jackets, socks_rescue = order.rescues.order_by("pk")
    order_rescue_choose(rescue=socks_rescue, choice=RescueChoice.DROP, actor=order.customer)
    order.refresh_from_db()
    assert order.status == OrderStatus.PICKING  # the jackets' question is still open
    order_rescue_choose(rescue=jackets, choice=RescueChoice.OTHER_STORE, actor=order.customer)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert level(near, jacket) == (3, 2)
