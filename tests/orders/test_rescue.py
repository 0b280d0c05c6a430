"""The short-pick rescue (issue 13): after a line is marked short the order waits for the
shopper's choice — another store, leave the units out, or cancel — made on the page, through the
signed e-mail link or the API, all through `order_rescue_choose`; unanswered by the deadline,
the units are dropped by the periodic job."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from inventory.models import Reservation
from loyalty.models import EntryKind, PointsEntry
from notifications.models import Notification
from shop.orders.errors import OrderError, OrderNotFound, RescueClosed, RescueNoStore
from shop.orders.links import rescue_token_read, rescue_url
from shop.orders.models import Order, OrderStatus, RescueChoice, ShortPickRescue
from shop.orders.services.orders import (
    order_cancel,
    order_collect,
    order_mark_line_short,
    order_mark_ready,
    order_start_picking,
)
from shop.orders.services.rescue import order_rescue_choose
from shop.orders.tasks import drop_unanswered_rescues
from tests import factories
from tests.orders.helpers import level, reservations
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
def far(jacket):
    """Hamburg, with 5 jackets."""
    store = factories.StoreFactory(
        city="Hamburg", latitude=Decimal("53.551086"), longitude=Decimal("9.993682")
    )
    factories.stock(store, jacket, 5)
    return store


@pytest.fixture
def short(store, associate, jacket, socks, shopper):
    """An order of 2 jackets and 3 socks; 2 jackets are not on the shelf."""
    order = factories.pickup_order(store, [(jacket, 2), (socks, 3)], customer=shopper)
    order_start_picking(order=order, actor=associate)
    order = order_mark_line_short(line=order.lines.get(variant=jacket), units=2, actor=associate)
    return order


def test_marking_short_opens_a_rescue_tells_the_shopper_and_the_order_waits(
    short, associate, jacket
):
    rescue = ShortPickRescue.objects.get(order=short)
    assert (rescue.units, rescue.line.variant_id, rescue.choice) == (2, jacket.pk, "open")
    assert rescue.deadline > timezone.now() + dt.timedelta(hours=23)
    sent = Notification.objects.filter(kind="order_rescue", subject_id=str(rescue.pk))
    assert {n.channel for n in sent} == {"email", "in_app"}
    with pytest.raises(OrderError, match="waits for the customer"):
        order_mark_ready(order=short, actor=associate)
    short.refresh_from_db()
    assert short.status == OrderStatus.PICKING


def test_other_store_places_a_linked_order_at_the_nearest_store_that_has_the_units(
    short, shopper, store, near, far, jacket, socks, associate
):
    rescue = ShortPickRescue.objects.get(order=short)
    rescue = order_rescue_choose(rescue=rescue, choice="other_store", actor=shopper)

    second = rescue.rescue_order
    assert rescue.choice == RescueChoice.OTHER_STORE and rescue.chosen_by == shopper
    assert (second.store, second.customer, second.status) == (near, shopper, OrderStatus.PLACED)
    assert list(second.lines.values_list("variant_id", "quantity")) == [(jacket.pk, 2)]
    assert second.total == Decimal("99.80") and second.phone == short.phone
    # Stock: reserved at once in Potsdam; in Berlin the 2 missing jackets were written off.
    assert level(near, jacket) == (3, 2)
    assert level(far, jacket) == (5, 0)
    assert level(store, jacket) == (8, 0)
    assert reservations(short) == {socks.pk: 3}
    assert "order_placed" in set(
        Notification.objects.filter(subject_id=str(second.pk)).values_list("kind", flat=True)
    )
    assert second.number in short.events.last().note_text

    # A second click on the same e-mail link changes nothing; another choice is refused.
    again = order_rescue_choose(rescue=rescue, choice="other_store", actor=shopper)
    assert again.rescue_order == second and Order.objects.count() == 2
    with pytest.raises(RescueClosed):
        order_rescue_choose(rescue=rescue, choice="cancel", actor=shopper)

    # The first order proceeds with what was found.
    order = order_mark_ready(order=short, actor=associate)
    order_collect(order=order, code=order.pickup_code, actor=associate)
    assert level(store, socks) == (7, 0)


def test_other_store_may_be_chosen_among_the_offered_and_only_those(
    short, shopper, near, far, jacket
):
    rescue = ShortPickRescue.objects.get(order=short)
    elsewhere = factories.StoreFactory()  # no jackets there
    with pytest.raises(OrderError, match="cannot hand over"):
        order_rescue_choose(rescue=rescue, choice="other_store", actor=shopper, store=elsewhere)
    rescue = order_rescue_choose(rescue=rescue, choice="other_store", actor=shopper, store=far)
    assert rescue.rescue_order.store == far
    assert level(far, jacket) == (5, 2) and level(near, jacket) == (3, 0)


def test_no_other_store_with_the_units_is_refused_and_the_rescue_stays_open(short, shopper):
    rescue = ShortPickRescue.objects.get(order=short)
    with pytest.raises(RescueNoStore):
        order_rescue_choose(rescue=rescue, choice="other_store", actor=shopper)
    rescue.refresh_from_db()
    assert rescue.is_open and Order.objects.count() == 1


def test_only_the_orders_customer_chooses(short, associate):
    rescue = ShortPickRescue.objects.get(order=short)
    for someone in (factories.UserFactory(), associate):
        with pytest.raises(OrderNotFound):
            order_rescue_choose(rescue=rescue, choice="drop", actor=someone)
    with pytest.raises(OrderError):
        order_rescue_choose(rescue=rescue, choice="open", actor=short.customer)
    rescue.refresh_from_db()
    assert rescue.is_open


def test_drop_keeps_points_and_credit_within_the_new_total_and_earns_on_what_was_paid(
    store, associate, jacket, socks
):
    shopper = factories.UserFactory()
    balance = give_points(shopper, "6000.00")
    give_credit(shopper, "60.00")
    # 2 × 49.90 + 3 × 5.00 = 114.80 €: 5000 points (50 €), 60 € credit, 4.80 € to pay.
    order = factories.pickup_order(
        store,
        [(jacket, 2), (socks, 3)],
        customer=shopper,
        points_to_redeem=5000,
        use_store_credit=True,
    )
    assert points(shopper) == balance - 5000
    order_start_picking(order=order, actor=associate)
    order = order_mark_line_short(line=order.lines.get(variant=jacket), units=2, actor=associate)
    # 15 € left: at most 750 points (7.50 €), credit 7.50 €, nothing to pay.
    order_rescue_choose(
        rescue=ShortPickRescue.objects.get(order=order), choice="drop", actor=shopper
    )
    order.refresh_from_db()
    assert (order.total, order.loyalty_discount, order.store_credit_used, order.amount_due) == (
        Decimal("15.00"),
        Decimal("7.50"),
        Decimal("7.50"),
        Decimal("0.00"),
    )
    assert points(shopper) == balance - 750
    order = order_mark_ready(order=order, actor=associate)
    order = order_collect(order=order, code=order.pickup_code, actor=associate)
    earned = PointsEntry.objects.get(kind=EntryKind.EARN, source=f"order:{order.number}")
    # Earned on the 7.50 € paid with money (store credit counts as money), not on 114.80 €.
    assert earned.amount == Decimal("7.50") and 7 <= earned.points <= 14
    assert level(store, jacket) == (8, 0) and level(store, socks) == (7, 0)
    assert not Reservation.objects.filter(reference=order.number).exclude(quantity=0).exists()


def test_cancel_gives_everything_back(store, associate, jacket, socks):
    shopper = factories.UserFactory()
    balance = give_points(shopper, "3000.00")
    order = factories.pickup_order(
        store, [(jacket, 2), (socks, 3)], customer=shopper, points_to_redeem=2000
    )
    order_start_picking(order=order, actor=associate)
    order = order_mark_line_short(line=order.lines.get(variant=jacket), units=1, actor=associate)
    rescue = ShortPickRescue.objects.get(order=order)
    rescue = order_rescue_choose(rescue=rescue, choice="cancel", actor=shopper)
    order.refresh_from_db()
    assert rescue.choice == RescueChoice.CANCEL
    assert order.status == OrderStatus.CANCELLED
    assert points(shopper) == balance
    assert level(store, jacket) == (9, 0) and level(store, socks) == (10, 0)


def test_unanswered_rescues_are_dropped_by_the_job_and_the_order_proceeds(short, associate):
    rescue = ShortPickRescue.objects.get(order=short)
    assert drop_unanswered_rescues() == 0  # not due yet
    ShortPickRescue.objects.filter(pk=rescue.pk).update(
        deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    assert drop_unanswered_rescues() == 1
    assert drop_unanswered_rescues() == 0  # safe to run twice
    rescue.refresh_from_db()
    assert rescue.choice == RescueChoice.TIMED_OUT and rescue.chosen_by is None
    assert "no answer in time" in short.events.last().note_text
    assert order_mark_ready(order=short, actor=associate).status == OrderStatus.READY


def test_an_associate_cancelling_closes_the_open_rescue(short, associate):
    order_cancel(order=short, actor=associate, reason="closed")
    assert ShortPickRescue.objects.get(order=short).choice == RescueChoice.CANCEL


# --- the page and the signed link ----------------------------------------------------------


def test_signed_link_shows_the_choices_and_decides_only_on_post(client, short, near, jacket):
    rescue = ShortPickRescue.objects.get(order=short)
    url = rescue_url(rescue)
    page = client.get(url + "?choice=other_store")
    assert page.status_code == 200
    html = page.content.decode()
    assert near.name in html and "Leave them out" in html and "Cancel the whole order" in html
    rescue.refresh_from_db()
    assert rescue.is_open  # opening the link (a mail scanner, a preview) decides nothing

    response = client.post(url, {"choice": "other_store", "store": near.pk})
    assert response.status_code == 302
    rescue.refresh_from_db()
    assert rescue.rescue_order.store == near
    assert rescue.chosen_by == short.customer
    assert rescue.rescue_order.number in client.get(url).content.decode()


def test_bad_or_foreign_tokens_are_404_and_bad_input_a_form_error(client, short, near):
    rescue = ShortPickRescue.objects.get(order=short)
    assert client.get(reverse("pickup:order_rescue", args=["nonsense"])).status_code == 404
    url = rescue_url(rescue)
    assert client.get(url[:-3] + "xx/").status_code == 404
    for data in ({"choice": "nonsense"}, {"choice": "other_store", "store": "x"}):
        response = client.post(url, data)
        assert response.status_code == 400
        assert response.context["error"]
    rescue.refresh_from_db()
    assert rescue.is_open


def test_the_order_page_shows_the_open_rescue_to_its_owner(client, short):
    client.force_login(short.customer)
    html = client.get(short.get_absolute_url()).content.decode()
    assert 'data-testid="rescue-open"' in html
    assert rescue_url(ShortPickRescue.objects.get(order=short)) in html


# --- the API ---------------------------------------------------------------------------------


def test_api_rescue_uses_the_same_service(short, near, jacket):
    api = APIClient()
    api.force_authenticate(short.customer)
    url = f"/api/v1/orders/{short.number}/rescue/"
    assert api.post(url, {"choice": "maybe"}, format="json").status_code == 400
    response = api.post(url, {"choice": "other_store", "store": near.code}, format="json")
    assert response.status_code == 200, response.json()
    rescue = response.json()["rescues"][0]
    assert rescue["choice"] == "other_store" and rescue["units"] == 2
    second = Order.objects.get(number=rescue["rescue_order"])
    assert second.store == near and level(near, jacket) == (3, 2)
    again = api.post(url, {"choice": "drop"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "rescue_closed"

    stranger = APIClient()
    stranger.force_authenticate(factories.UserFactory())
    assert stranger.post(url, {"choice": "drop"}, format="json").status_code == 404


def test_api_rescue_without_another_store_is_a_409(short):
    api = APIClient()
    api.force_authenticate(short.customer)
    response = api.post(
        f"/api/v1/orders/{short.number}/rescue/", {"choice": "other_store"}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "rescue_no_store"


# --- staff see the choice ----------------------------------------------------------------------


def test_staff_see_the_waiting_and_the_chosen_rescue_on_desk_and_admin(
    client, short, associate, near, jacket, django_assert_max_num_queries
):
    from django.contrib.auth.models import Permission

    associate.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_order", "change_order"])
    )
    client.force_login(associate)
    desk = client.get(reverse("pickup:desk")).content.decode()
    assert "waiting for the customer" in desk and "Mark ready once the customer has chosen" in desk
    admin_url = reverse("admin:orders_order_change", args=[short.pk])
    assert "waiting for the customer" in client.get(admin_url).content.decode()

    rescue = order_rescue_choose(
        rescue=ShortPickRescue.objects.get(order=short), choice="other_store", actor=short.customer
    )
    page = client.get(admin_url).content.decode()
    assert "collect at another store" in page and rescue.rescue_order.number in page
    with django_assert_max_num_queries(20):
        desk = client.get(reverse("pickup:desk_queue")).content.decode()
    assert rescue.rescue_order.number in desk and "Mark ready once" not in desk


def test_the_rescue_email_offers_one_link_per_choice_in_german(short, near, settings):
    from django.core import mail

    from tests.notifications.helpers import deliver

    # The shopper ordered in German: the message goes out in the language stored with it.
    Notification.objects.filter(kind="order_rescue").update(language="de")
    [row] = deliver(kind="order_rescue", channel="email")
    assert row.status == "sent", row.last_error
    [message] = mail.outbox
    assert short.number in message.subject and "Artikel fehlen" in message.subject
    rescue = ShortPickRescue.objects.get(order=short)
    prefix = re.escape(settings.SITE_URL + "/orders/rescue/")
    links = re.findall(prefix + r"([^/\s]+)/\?choice=(\w+)", message.body)
    assert [choice for _token, choice in links] == ["other_store", "drop", "cancel"]
    assert {rescue_token_read(token) for token, _choice in links} == {
        (rescue.pk, str(short.public_id))
    }
    assert near.name in message.body and "Weglassen, den Rest behalten" in message.body
    [in_app] = deliver(kind="order_rescue", channel="in_app")
    assert in_app.status == "sent" and "2 ×" in in_app.body
