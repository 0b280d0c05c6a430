"""The app split moves models between apps (orders out of "shop", store credit from returns to
loyalty) with state-only migrations. A database filled before the split must come through them
with every order, ledger row, stock row, permission and notification intact.

The test rolls the schema back to the last migrations before the split, writes data with the
models as they were then (the historical models of that state), migrates forward and reads it
back through today's models and services.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The leaf migrations of every app of ours before the split; "orders" did not exist yet.
BEFORE_SPLIT = [
    ("accounts", "0002_initial"),
    ("stores", "0002_store_api_tokens"),
    ("shop", "0005_order_store_credit_used"),
    ("inventory", "0003_field_labels"),
    ("loyalty", "0003_field_labels"),
    ("returns", "0001_initial"),
    ("notifications", "0001_notification_outbox"),
    ("orders", None),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _write_old_data(apps) -> dict:
    """What a shop had before the split: an order with lines and events, points, store credit,
    stock, a notification about the order and a staff group allowed to change orders."""
    user = apps.get_model("accounts", "User").objects.create(
        email="kundin@example.com", password="!", language="de"
    )
    store = apps.get_model("stores", "Store").objects.create(
        code="berlin", name="Berlin", street="Str. 1", postcode="10115", city="Berlin",
        latitude=Decimal("52.5"), longitude=Decimal("13.4"),
    )  # fmt: skip
    category = apps.get_model("shop", "Category").objects.create(name="Zelte", slug="zelte")
    product = apps.get_model("shop", "Product").objects.create(
        category=category, name="Kuppelzelt", slug="kuppelzelt"
    )
    variant = apps.get_model("shop", "Variant").objects.create(
        product=product, sku="ZELT-1", ean="4006381333931", price=Decimal("149.90")
    )
    apps.get_model("inventory", "StockLevel").objects.create(
        store=store, variant=variant, on_hand=7, reserved=2
    )
    order = apps.get_model("shop", "Order").objects.create(
        number="CC-AAAA-BBBB", customer=user, store=store, status="ready", phone="030 1",
        email=user.email, language="de", pickup_code="ACDEFGHJ", total=Decimal("299.80"),
        amount_due=Decimal("289.80"), store_credit_used=Decimal("10.00"),
    )  # fmt: skip
    apps.get_model("shop", "OrderLine").objects.create(
        order=order, variant=variant, quantity=2, unit_price=Decimal("149.90"),
        product_name="Kuppelzelt", sku="ZELT-1",
    )  # fmt: skip
    apps.get_model("shop", "OrderEvent").objects.create(
        order=order, from_status="", to_status="placed"
    )
    credit = apps.get_model("returns", "StoreCreditEntry")
    credit.objects.create(user=user, amount=Decimal("25.00"), source="refund:R1")
    credit.objects.create(user=user, amount=Decimal("-10.00"), source="order:CC-AAAA-BBBB")
    account = apps.get_model("loyalty", "LoyaltyAccount").objects.create(
        user=user, card_number="2900000000019"
    )
    apps.get_model("loyalty", "PointsEntry").objects.create(
        account=account, kind="earn", points=300, source="order:CC-OLD", channel="online",
        occurred_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    )  # fmt: skip
    content_type = apps.get_model("contenttypes", "ContentType")
    order_type, _ = content_type.objects.get_or_create(app_label="shop", model="order")
    credit_type, _ = content_type.objects.get_or_create(
        app_label="returns", model="storecreditentry"
    )
    apps.get_model("notifications", "Notification").objects.create(
        kind="order_ready", channel="in_app", recipient=user, subject_type=order_type,
        subject_id=str(order.pk), language="de",
    )  # fmt: skip
    permission = apps.get_model("auth", "Permission")
    change_order, _ = permission.objects.get_or_create(
        content_type=order_type, codename="change_order", defaults={"name": "Can change order"}
    )
    group = apps.get_model("auth", "Group").objects.create(name="Filiale")
    group.permissions.add(change_order)
    return {
        "order_pk": order.pk,
        "order_type_pk": order_type.pk,
        "credit_type_pk": credit_type.pk,
        "user_pk": user.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_data_written_before_the_split_survives_the_migrations():
    latest = _latest()
    try:
        old = _write_old_data(_migrate(BEFORE_SPLIT))
        _migrate(latest)

        from django.contrib.auth.models import Group
        from django.contrib.contenttypes.models import ContentType

        from accounts.models import User
        from inventory.models import StockLevel
        from loyalty.credit import store_credit_balance
        from loyalty.models import StoreCreditEntry
        from loyalty.selectors import account_balance
        from notifications.models import Notification
        from shop.orders.models import Order

        order = Order.objects.get(pk=old["order_pk"])
        assert (order.number, order.status, order.total) == (
            "CC-AAAA-BBBB",
            "ready",
            Decimal("299.80"),
        )
        assert [(line.sku, line.quantity) for line in order.lines.all()] == [("ZELT-1", 2)]
        assert [event.to_status for event in order.events.all()] == ["placed"]
        assert order.returns.count() == 0  # the returns FK follows the model to its new app

        user = User.objects.get(pk=old["user_pk"])
        assert store_credit_balance(user=user) == Decimal("15.00")
        assert StoreCreditEntry.objects.filter(user=user).count() == 2
        assert account_balance(user.loyalty_account) == 300
        level = StockLevel.objects.get(variant__sku="ZELT-1")
        assert (level.on_hand, level.reserved) == (7, 2)

        # Content types are renamed, not recreated: ids, permissions and notifications follow.
        assert ContentType.objects.get_for_model(Order).pk == old["order_type_pk"]
        assert ContentType.objects.get_for_model(StoreCreditEntry).pk == old["credit_type_pk"]
        assert not ContentType.objects.filter(app_label="shop", model="order").exists()
        assert Notification.objects.get(kind="order_ready").subject == order
        assert (
            Group.objects.get(name="Filiale").permissions.get().content_type.app_label == "orders"
        )
    finally:
        _migrate(latest)
