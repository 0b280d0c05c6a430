"""The notifications other apps left as hooks: tier changes, reconciliation findings, shortfalls.

Each trigger writes exactly the notifications it should into the outbox (in its transaction);
running it again writes nothing new; each one renders and is delivered.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from inventory.models import MovementKind, ReconciliationFinding, StockShortfall
from inventory.notifications import (
    reconciliation_findings_recorded,
    shortfall_handlers_register,
    shortfalls_recorded,
)
from inventory.services import Delta, stock_deltas_apply, stock_reconcile
from loyalty.models import Channel, TierChange
from loyalty.services import points_earn, tiers_recompute
from notifications.models import Notification, NotificationStatus
from notifications.services import notification_deliver
from shop.orders.notifications import notify_order_shortfalls
from stores.models import StaffRole
from tests import factories

pytestmark = pytest.mark.django_db


def rows(kind: str) -> list[tuple]:
    """(channel, recipient account, address) of a kind's notifications; in-app ones by account."""
    return sorted(
        (n.channel, n.recipient_id, "" if n.channel == "in_app" else n.recipient_email)
        for n in Notification.objects.filter(kind=kind)
    )


def deliver_all(kind: str) -> None:
    for pk in Notification.objects.filter(kind=kind).values_list("pk", flat=True):
        assert notification_deliver(notification_id=pk) == NotificationStatus.SENT, (
            Notification.objects.get(pk=pk).last_error
        )


# --- tier change → the shopper -------------------------------------------------------------


def test_tier_change_tells_the_shopper_once(shopper):
    shopper.language = "en"
    shopper.save(update_fields=["language"])
    points_earn(user=shopper, amount=Decimal("100.00"), source="receipt:1", channel=Channel.STORE)
    assert not Notification.objects.filter(kind="tier_changed")  # still Basic

    points_earn(user=shopper, amount=Decimal("450.00"), source="receipt:2", channel=Channel.STORE)
    change = TierChange.objects.get()
    assert change.to_tier.name == "Silver" and change.notified_at is not None
    assert rows("tier_changed") == [
        ("email", shopper.pk, shopper.email),
        ("in_app", shopper.pk, ""),
    ]

    # The nightly recompute finds nothing to change and sends nothing new.
    assert tiers_recompute() == 0
    assert Notification.objects.filter(kind="tier_changed").count() == 2

    deliver_all("tier_changed")
    [message] = mail.outbox
    assert message.to == [shopper.email]
    assert message.subject == "Your loyalty tier is now Silver"
    assert "1.25 × the points" in message.body


def test_tier_drop_in_the_nightly_run_is_told_once(shopper):
    points_earn(user=shopper, amount=Decimal("600.00"), source="receipt:1", channel=Channel.STORE)
    Notification.objects.all().delete()
    next_year = timezone.now() + dt.timedelta(days=400)  # the purchase left the 12 months
    assert tiers_recompute(now=next_year) == 1
    assert tiers_recompute(now=next_year) == 0
    change = TierChange.objects.order_by("pk").last()
    assert change.to_tier.name == "Basic"
    assert Notification.objects.filter(kind="tier_changed", subject_id=str(change.pk)).count() == 2


# --- reconciliation findings → the store's managers ----------------------------------------


def sql(statement, params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_findings_go_to_the_managers_of_each_store_and_its_address(store):
    other = factories.StoreFactory(email="")
    store.email = "filiale@example.com"
    store.save(update_fields=["email"])
    manager = factories.staff(store, role=StaffRole.MANAGER)
    factories.staff(store)  # an associate: not told
    other_manager = factories.staff(other, role=StaffRole.MANAGER)
    for where in (store, other):
        for _ in range(2):
            level = factories.stock(where, factories.VariantFactory(), 5)
            sql("UPDATE inventory_stocklevel SET on_hand = 9 WHERE id = %s", [level.pk])

    run = stock_reconcile()
    assert run.findings_count == 4
    assert rows("stock_drift_found") == sorted(
        [
            ("email", None, "filiale@example.com"),
            ("in_app", manager.pk, ""),
            ("in_app", other_manager.pk, ""),
        ]
    )
    # One message per store and run: its subject is the store's first finding of the run.
    firsts = {
        f.store_id: f.pk for f in ReconciliationFinding.objects.filter(run=run).order_by("-pk")
    }
    assert set(
        Notification.objects.filter(kind="stock_drift_found").values_list("subject_id", flat=True)
    ) == {str(pk) for pk in firsts.values()}

    reconciliation_findings_recorded(run)  # the hook again: nothing new
    assert Notification.objects.filter(kind="stock_drift_found").count() == 3

    Notification.objects.filter(kind="stock_drift_found").update(language="en")
    deliver_all("stock_drift_found")
    [message] = mail.outbox
    assert message.to == ["filiale@example.com"]
    assert "2 differences" in message.subject or "2 to check" in message.subject


def test_clean_reconciliation_notifies_nobody(store):
    factories.staff(store, role=StaffRole.MANAGER)
    factories.stock(store, factories.VariantFactory(), 5)
    assert stock_reconcile().findings_count == 0
    assert not Notification.objects.filter(kind="stock_drift_found").exists()


def test_the_findings_link_opens_for_the_manager(client, store):
    from django.contrib.auth.models import Permission

    manager = factories.staff(store, role=StaffRole.MANAGER)
    manager.user_permissions.add(*Permission.objects.filter(codename="view_reconciliationfinding"))
    level = factories.stock(store, factories.VariantFactory(), 5)
    sql("UPDATE inventory_stocklevel SET on_hand = 7 WHERE id = %s", [level.pk])
    stock_reconcile()
    notification = Notification.objects.get(kind="stock_drift_found", recipient=manager)
    client.force_login(manager)
    from notifications.kinds import get_kind

    link = get_kind("stock_drift_found").link(notification.subject)
    response = client.get(link, headers={"accept-language": "en"})
    assert response.status_code == 200
    html = response.content.decode()
    assert str(level.variant) in html and "1 reconciliation finding" in html


# --- shortfalls → the store's managers -----------------------------------------------------


def test_each_shortfall_goes_to_the_managers_once(store):
    store.email = "filiale@example.com"
    store.save(update_fields=["email"])
    manager = factories.staff(store, role=StaffRole.MANAGER)
    factories.staff(store)
    variant = factories.VariantFactory()
    factories.stock(store, variant, 2)
    first = factories.pickup_order(store, [(variant, 1)])
    second = factories.pickup_order(store, [(variant, 1)])
    Notification.objects.all().delete()  # the order notifications are not under test here

    stock_deltas_apply(
        store_id=store.pk,
        deltas=[Delta(variant_id=variant.pk, quantity=-2, kind=MovementKind.SALE)],
    )
    shortfalls = list(StockShortfall.objects.order_by("pk"))
    assert {s.reference for s in shortfalls} == {first.number, second.number}
    assert rows("stock_shortfall") == sorted(
        [("email", None, "filiale@example.com"), ("in_app", manager.pk, "")] * 2
    )

    # Each shopper hears about their own order, by e-mail and in the account.
    assert rows("order_stock_shortfall") == sorted(
        (channel, order.customer_id, order.email if channel == "email" else "")
        for order in (first, second)
        for channel in ("email", "in_app")
    )

    shortfalls_recorded(shortfalls)  # the hook again: nothing new
    assert Notification.objects.filter(kind="stock_shortfall").count() == 4
    assert Notification.objects.filter(kind="order_stock_shortfall").count() == 4

    Notification.objects.filter(kind="stock_shortfall").update(language="en")
    deliver_all("stock_shortfall")
    assert len(mail.outbox) == 2
    assert {m.subject for m in mail.outbox} == {
        f"Order {first.number} is missing 1 × {variant.sku}",
        f"Order {second.number} is missing 1 × {variant.sku}",
    }
    mail.outbox.clear()
    Notification.objects.filter(kind="order_stock_shortfall").update(language="en")
    deliver_all("order_stock_shortfall")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email])
    message = next(m for m in mail.outbox if m.to == [first.email])
    assert message.subject == f"Order {first.number}: an item is no longer available"
    assert first.lines.get().product_name in message.body


def test_the_shortfall_hook_refuses_a_handler_registered_twice():
    with pytest.raises(ValueError, match="already registered"):
        shortfall_handlers_register(notify_order_shortfalls)  # OrdersConfig.ready() did
