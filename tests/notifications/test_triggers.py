"""Each order transition writes exactly the notifications it should, once."""

import datetime as dt
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.models import Notification, NotificationStatus
from notifications.services import Recipient, notify
from shop.orders.errors import OrderShortage
from shop.orders.models import OrderStatus
from shop.orders.notifications import notify_order_placed, notify_order_ready
from shop.orders.services.orders import (
    order_cancel,
    order_expire,
    order_mark_line_short,
    order_mark_ready,
    order_place,
    order_start_picking,
)
from shop.orders.tasks import send_pickup_reminders
from tests import factories
from tests.clock import berlin, freeze
from tests.orders.helpers import drop_rescues

from .conftest import place
from .helpers import sent_set

pytestmark = pytest.mark.django_db


def test_placing_notifies_shopper_by_mail_and_in_app_and_each_store_colleague_in_app(
    store, associate, jacket
):
    manager = factories.staff(store, role="manager")
    factories.staff(factories.StoreFactory())  # works elsewhere: not told
    shopper = factories.UserFactory(email="erika@example.com", language="de")

    order = place(store, [(jacket, 1)], customer=shopper, language="en")

    assert sent_set() == {
        ("order_placed", "email", "erika@example.com", "en"),  # the checkout's language
        ("order_placed", "in_app", "erika@example.com", "en"),
        ("order_received", "in_app", associate.email, "en"),
        ("order_received", "in_app", manager.email, "de"),
        ("order_received", "email", "filiale@omnishop.example", "de"),  # the store's mailbox
    }
    assert set(Notification.objects.values_list("status", flat=True)) == {"pending"}
    assert {n.subject for n in Notification.objects.all()} == {order}


def test_store_without_mailbox_gets_no_mail(associate, jacket, store):
    store.email = ""
    store.save()
    place(store, [(jacket, 1)])
    assert sent_set(kind="order_received") == {("order_received", "in_app", associate.email, "en")}


def test_a_refused_order_leaves_no_notification(store, shopper, jacket):
    with pytest.raises(OrderShortage):
        order_place(customer=shopper, store=store, lines=[(jacket, 11)], phone="+49 30 1234567")
    assert not Notification.objects.exists()


def test_each_transition_adds_its_kind_once(store, associate, jacket, socks):
    order = place(store, [(jacket, 2), (socks, 1)], language="en")
    shopper_email = order.customer.email
    before = Notification.objects.count()

    order = order_start_picking(order=order, actor=associate)
    assert Notification.objects.count() == before  # picking is not news for the shopper

    line = order.lines.get(variant=jacket)
    order = order_mark_line_short(line=line, units=1, actor=associate)
    order = order_mark_line_short(line=line, units=1, actor=associate)
    changed = Notification.objects.filter(kind="order_rescue")
    # One message per short pick, each about its rescue (the shopper chooses what happens).
    assert changed.count() == 4
    assert {(n.subject.units, n.subject.line.sku) for n in changed} == {(1, jacket.sku)}
    assert len({n.subject_id for n in changed}) == 2

    drop_rescues(order)
    order_mark_ready(order=order, actor=associate)
    assert sent_set(kind="order_ready") == {
        ("order_ready", "email", shopper_email, "en"),
        ("order_ready", "in_app", shopper_email, "en"),
    }


def test_repeating_a_trigger_sends_nothing_new(store, jacket):
    order = place(store, [(jacket, 1)], status=OrderStatus.READY)
    count = Notification.objects.count()
    assert notify_order_placed(order) == []
    assert notify_order_ready(order) == []
    assert Notification.objects.count() == count


@pytest.mark.parametrize(
    ("by_shopper", "status"), [(True, OrderStatus.PLACED), (False, OrderStatus.PICKING)]
)
def test_cancelling_notifies_the_shopper(store, associate, jacket, by_shopper, status):
    order = place(store, [(jacket, 1)], status=status)
    actor = order.customer if by_shopper else associate
    order_cancel(order=order, actor=actor, reason="Changed my mind")
    assert sent_set(kind="order_cancelled") == {
        ("order_cancelled", "email", order.customer.email, "de"),
        ("order_cancelled", "in_app", order.customer.email, "de"),
    }


def test_short_of_everything_cancels_and_says_so(store, associate, jacket):
    order = place(store, [(jacket, 1)], status=OrderStatus.PICKING)
    order_mark_line_short(line=order.lines.get(), units=1, actor=associate)
    assert {n.kind for n in Notification.objects.filter(recipient=order.customer)} == {
        "order_placed",
        "order_cancelled",
    }


def test_expiry_notifies_the_shopper(store, jacket):
    order = place(store, [(jacket, 1)], status=OrderStatus.READY)
    order.hold_until = timezone.now() - dt.timedelta(minutes=1)
    order.save(update_fields=["hold_until"])
    order_expire(order=order)
    assert Notification.objects.filter(kind="order_expired", recipient=order.customer).count() == 2


def test_reminder_job_reminds_once_a_day_before_the_hold_ends(store, jacket, monkeypatch):
    now = freeze(monkeypatch, berlin(2026, 12, 3, 10, 0))  # reminders go out in the daytime
    due = place(store, [(jacket, 1)], status=OrderStatus.READY)
    later = place(store, [(jacket, 1)], status=OrderStatus.READY)
    placed = place(store, [(jacket, 1)])
    for order, hold_until in [
        (due, now + dt.timedelta(hours=20)),
        (later, now + dt.timedelta(hours=40)),
        (placed, now + dt.timedelta(hours=2)),
    ]:
        order.hold_until = hold_until
        order.save(update_fields=["hold_until"])

    assert send_pickup_reminders() == 1
    assert send_pickup_reminders() == 0  # every 15 minutes, still once
    assert sent_set(kind="order_reminder") == {
        ("order_reminder", "email", due.customer.email, "de"),
        ("order_reminder", "in_app", due.customer.email, "de"),
    }


@pytest.mark.parametrize("hour", [19, 23, 3, 8])
def test_no_reminder_goes_out_at_night(store, jacket, monkeypatch, hour):
    freeze(monkeypatch, berlin(2026, 12, 3, hour, 30))
    due = place(store, [(jacket, 1)], status=OrderStatus.READY)
    due.hold_until = berlin(2026, 12, 4, 12, 0)
    due.save(update_fields=["hold_until"])
    assert send_pickup_reminders() == 0
    assert not sent_set(kind="order_reminder")
    # It goes out the next morning at nine instead.
    freeze(monkeypatch, berlin(2026, 12, 4 if hour > 12 else 3, 9, 0))
    assert send_pickup_reminders() == 1


def test_recipient_without_usable_address_gets_in_app_only(store, jacket, caplog):
    order = place(store, [(jacket, 1)], status=OrderStatus.READY)
    Notification.objects.all().delete()
    order.email = "not-an-address"
    order.save(update_fields=["email"])

    created = notify_order_ready(order)

    assert [(n.kind, n.channel) for n in created] == [("order_ready", "in_app")]
    assert "No usable e-mail address ('not-an-address')" in caplog.text
    assert all(n.status == NotificationStatus.PENDING for n in created)


def test_the_database_refuses_a_second_row_for_the_same_recipient(store, jacket):
    order = place(store, [(jacket, 1)])
    row = Notification.objects.get(kind="order_placed", channel="email")
    row.pk, row.public_id = None, uuid.uuid4()
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save(force_insert=True)
    store_row = Notification.objects.get(kind="order_received", channel="email")
    store_row.pk, store_row.public_id = None, uuid.uuid4()
    with pytest.raises(IntegrityError), transaction.atomic():
        store_row.save(force_insert=True)
    assert Notification.objects.filter(subject_id=str(order.pk)).count() == 3


def test_notifying_a_whole_store_costs_a_fixed_number_of_queries(
    store, jacket, django_assert_max_num_queries
):
    for _ in range(6):
        factories.staff(store)
    order = place(store, [(jacket, 1)])
    Notification.objects.all().delete()
    # Per kind one INSERT that skips what exists; the staff: 1.
    with django_assert_max_num_queries(3):
        created = notify_order_placed(order)
    assert len(created) == 2 + 6 + 1


def test_recipient_defaults_to_the_accounts_address_and_language(store, jacket):
    order = place(store, [(jacket, 1)])
    Notification.objects.all().delete()
    user = factories.UserFactory(email="max@example.com", language="en")
    notify(kind="order_placed", subject=order, recipients=[Recipient(user=user)])
    notify(
        kind="order_ready",
        subject=order,
        recipients=[Recipient(user=user, email="other@example.com", language="en-gb")],
    )
    notify(kind="order_expired", subject=order, recipients=[Recipient(user=user, language="fr")])
    assert sent_set(channel="email") == {
        ("order_placed", "email", "max@example.com", "en"),
        ("order_ready", "email", "max@example.com", "en"),  # the account; the address was given
        ("order_expired", "email", "max@example.com", "en"),  # French is not offered
    }
    assert Notification.objects.get(kind="order_ready", channel="email").recipient_email == (
        "other@example.com"
    )
