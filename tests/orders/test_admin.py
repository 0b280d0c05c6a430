import pytest
from django.urls import reverse

from shop.orders.models import HandoverAttempt, OrderStatus
from tests import factories
from tests.orders.helpers import drop_rescues, level, snapshot

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:orders_order_changelist"


@pytest.fixture
def other_store():
    return factories.StoreFactory(name="Filiale B")


@pytest.fixture
def theirs(other_store):
    variant = factories.VariantFactory()
    factories.stock(other_store, variant, 5)
    return factories.pickup_order(other_store, [(variant, 1)])


@pytest.fixture
def ours(store, jacket):
    return factories.pickup_order(store, [(jacket, 2)])


@pytest.fixture
def staff_client(client, associate):
    from django.contrib.auth.models import Permission

    associate.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_order", "change_order"])
    )
    client.force_login(associate)
    return client


def _change(order):
    return reverse("admin:orders_order_change", args=[order.pk])


def test_list_shows_only_the_associates_store(staff_client, ours, theirs):
    response = staff_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    html = response.content.decode()
    assert ours.number in html
    assert theirs.number not in html
    assert "Filiale B" not in html  # not even in the store filter


def test_another_stores_order_is_a_404(staff_client, theirs):
    assert staff_client.get(_change(theirs)).status_code == 404
    assert staff_client.get(_change(theirs) + "history/").status_code == 404
    url = reverse("admin:orders_order_transition", args=[theirs.pk, "start-picking"])
    before = snapshot(theirs)
    assert staff_client.post(url).status_code == 404
    assert snapshot(theirs) == before


def test_superuser_sees_every_store(client, ours, theirs):
    client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    html = client.get(reverse(CHANGELIST)).content.decode()
    assert ours.number in html and theirs.number in html


def test_actions_call_the_services_and_report_per_order(staff_client, store, ours, jacket):
    ready = factories.pickup_order(store, [(jacket, 1)], status="ready")
    response = staff_client.post(
        reverse(CHANGELIST),
        {"action": "start_picking", "_selected_action": [ours.pk, ready.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert "Picking started for 1 order" in text
    assert f"{ready.number}: Order {ready.number} is ready for pickup; only placed orders" in text
    ours.refresh_from_db()
    ready.refresh_from_db()
    assert (ours.status, ready.status) == (OrderStatus.PICKING, OrderStatus.READY)
    assert ours.events.last().actor.is_staff


def test_actions_cannot_reach_another_store(staff_client, theirs):
    before = snapshot(theirs)
    staff_client.post(
        reverse(CHANGELIST), {"action": "cancel", "_selected_action": [theirs.pk]}, follow=True
    )
    assert snapshot(theirs) == before


def test_change_page_mark_short_and_handover(staff_client, store, ours, jacket, associate):
    staff_client.post(reverse("admin:orders_order_transition", args=[ours.pk, "start-picking"]))
    page = staff_client.get(_change(ours)).content.decode()
    assert "Mark short" in page and "Timeline" in page
    assert ours.pickup_code not in page  # the customer brings the code; staff do not read it off
    line = ours.lines.get()
    staff_client.post(
        reverse("admin:orders_order_mark_short", args=[ours.pk, line.pk]), {"units": "1"}
    )
    assert level(store, jacket) == (9, 1)
    waiting = staff_client.post(
        reverse("admin:orders_order_transition", args=[ours.pk, "mark-ready"]), follow=True
    )
    assert "waits for the customer to choose" in waiting.content.decode()
    ours.refresh_from_db()
    assert ours.status == OrderStatus.PICKING
    drop_rescues(ours)
    staff_client.post(reverse("admin:orders_order_transition", args=[ours.pk, "mark-ready"]))
    response = staff_client.post(
        reverse("admin:orders_order_handover", args=[ours.pk]), {"code": "AAAA-AAAA"}, follow=True
    )
    assert "Wrong pickup code" in response.content.decode()
    assert "1 wrong code in the last 15 minutes" in response.content.decode()
    ours.refresh_from_db()
    assert ours.status == OrderStatus.READY
    response = staff_client.post(
        reverse("admin:orders_order_handover", args=[ours.pk]),
        {"code": ours.pickup_code.lower()},
        follow=True,
    )
    assert "Handed over" in response.content.decode()
    ours.refresh_from_db()
    assert ours.status == OrderStatus.COLLECTED
    assert level(store, jacket) == (8, 0)
    assert HandoverAttempt.objects.filter(order=ours).count() == 2


def test_mark_short_with_bad_units_changes_nothing(staff_client, ours, associate):
    staff_client.post(reverse("admin:orders_order_transition", args=[ours.pk, "start-picking"]))
    line = ours.lines.get()
    before = snapshot(ours)
    for units in ("", "abc", "0", "5"):
        staff_client.post(
            reverse("admin:orders_order_mark_short", args=[ours.pk, line.pk]), {"units": units}
        )
    assert snapshot(ours) == before


def test_view_only_staff_cannot_change(client, store, ours):
    from django.contrib.auth.models import Permission

    viewer = factories.staff(store)
    viewer.user_permissions.add(Permission.objects.get(codename="view_order"))
    client.force_login(viewer)
    assert client.get(_change(ours)).status_code == 200
    before = snapshot(ours)
    url = reverse("admin:orders_order_transition", args=[ours.pk, "start-picking"])
    assert client.post(url).status_code == 404
    assert snapshot(ours) == before


def test_filters_and_search(staff_client, store, ours, jacket):
    ready = factories.pickup_order(store, [(jacket, 1)], status="ready")
    url = reverse(CHANGELIST)
    html = staff_client.get(url, {"status__exact": "ready"}).content.decode()
    assert ready.number in html and ours.number not in html
    code = ready.pickup_code
    html = staff_client.get(url, {"q": f"{code[:4]}-{code[4:].lower()}"}).content.decode()
    assert ready.number in html and ours.number not in html
    html = staff_client.get(url, {"q": ours.customer.email.upper()}).content.decode()
    assert ours.number in html and ready.number not in html
    html = staff_client.get(url, {"overdue": "yes"}).content.decode()
    assert ours.number not in html


def test_overdue_filter(staff_client, store, ours, jacket):
    import datetime as dt

    from django.utils import timezone

    from shop.orders.models import Order

    late = factories.pickup_order(store, [(jacket, 1)])
    Order.objects.filter(pk=late.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=store.pickup_target_minutes + 1)
    )
    unpicked_ready = factories.pickup_order(store, [(jacket, 1)], status="ready")
    Order.objects.filter(pk=unpicked_ready.pk).update(
        hold_until=timezone.now() - dt.timedelta(hours=1)
    )
    html = staff_client.get(reverse(CHANGELIST), {"overdue": "yes"}).content.decode()
    assert late.number in html and unpicked_ready.number in html
    assert ours.number not in html


def test_changelist_query_count_does_not_grow(staff_client, store):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    variant = factories.VariantFactory()
    factories.stock(store, variant, 99)
    url = reverse(CHANGELIST)
    for _ in range(3):
        factories.pickup_order(store, [(variant, 1)])
    with CaptureQueriesContext(connection) as few:
        assert staff_client.get(url).content.decode().count('name="_selected_action"') == 3
    for _ in range(27):
        factories.pickup_order(store, [(variant, 1)])
    with CaptureQueriesContext(connection) as many:
        assert staff_client.get(url).content.decode().count('name="_selected_action"') == 30
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(few.captured_queries) <= 12


def test_managers_see_the_handover_attempts_of_their_stores_only(client, store, jacket):
    from django.contrib.auth.models import Permission

    from shop.orders.errors import WrongPickupCode
    from shop.orders.services.orders import order_collect

    manager = factories.staff(store, role="manager")
    manager.user_permissions.add(Permission.objects.get(codename="view_handoverattempt"))
    ours = factories.pickup_order(store, [(jacket, 1)], status="ready")
    other = factories.StoreFactory()
    variant = factories.VariantFactory()
    factories.stock(other, variant, 1)
    theirs = factories.pickup_order(other, [(variant, 1)], status="ready")
    for order in (ours, theirs):
        with pytest.raises(WrongPickupCode):
            order_collect(order=order, code="WRONG", actor=factories.staff(order.store))
    client.force_login(manager)
    html = client.get(reverse("admin:orders_handoverattempt_changelist")).content.decode()
    assert ours.number in html and theirs.number not in html
    attempt = HandoverAttempt.objects.get(order=theirs)
    url = reverse("admin:orders_handoverattempt_change", args=[attempt.pk])
    assert client.get(url).status_code == 404
    mine = HandoverAttempt.objects.get(order=ours)
    assert (
        client.get(reverse("admin:orders_handoverattempt_change", args=[mine.pk])).status_code
        == 200
    )
