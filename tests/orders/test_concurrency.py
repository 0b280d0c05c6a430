"""Concurrent checkouts on PostgreSQL: never oversold, never deadlocked."""

import pytest
from django.db import connection
from django.db.models import Sum
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from inventory.models import Reservation, StockLevel
from shop.orders.errors import OrderShortage
from shop.orders.models import Order
from shop.orders.services.orders import order_place
from tests import factories
from tests.components import require_postgres, run_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PHONE = "+49 30 1234567"


def _consistent(store):
    for level in StockLevel.objects.filter(store=store):
        assert 0 <= level.reserved <= level.on_hand
        open_units = (
            Reservation.objects.filter(store=store, variant=level.variant).aggregate(
                n=Sum("quantity")
            )["n"]
            or 0
        )
        assert level.reserved == open_units


def test_last_units_go_to_exactly_that_many_shoppers():
    require_postgres()
    store = factories.StoreFactory()
    variant = factories.VariantFactory()
    factories.stock(store, variant, 5)
    shoppers = [factories.UserFactory() for _ in range(24)]

    def checkout(user):
        return lambda: order_place(customer=user, store=store, lines=[(variant, 1)], phone=PHONE)

    results = run_concurrently([checkout(u) for u in shoppers])

    orders = [r for r in results if isinstance(r, Order)]
    short = [r for r in results if isinstance(r, OrderShortage)]
    assert len(orders) == 5, [r for r in results if not isinstance(r, Order | OrderShortage)]
    assert len(short) == 19
    level = StockLevel.objects.get(store=store, variant=variant)
    assert (level.on_hand, level.reserved) == (5, 5)
    assert Order.objects.count() == 5
    _consistent(store)


def test_opposite_line_orders_do_not_deadlock():
    require_postgres()
    store = factories.StoreFactory()
    a, b = factories.VariantFactory(), factories.VariantFactory()
    factories.stock(store, a, 500)
    factories.stock(store, b, 500)
    one, two = factories.UserFactory(), factories.UserFactory()
    rounds = 15
    for _ in range(rounds):
        results = run_concurrently(
            [
                lambda: order_place(customer=one, store=store, lines=[(a, 1), (b, 2)], phone=PHONE),
                lambda: order_place(customer=two, store=store, lines=[(b, 2), (a, 1)], phone=PHONE),
            ]
        )
        assert all(isinstance(r, Order) for r in results), results
    assert StockLevel.objects.get(store=store, variant=a).reserved == 2 * rounds
    assert StockLevel.objects.get(store=store, variant=b).reserved == 4 * rounds
    _consistent(store)


def test_same_idempotency_key_at_once_places_one_order():
    require_postgres()
    store = factories.StoreFactory()
    variant = factories.VariantFactory()
    factories.stock(store, variant, 50)
    shopper = factories.UserFactory()

    def checkout():
        return order_place(
            customer=shopper, store=store, lines=[(variant, 1)], phone=PHONE, idempotency_key="k"
        )

    results = run_concurrently([checkout for _ in range(8)])
    assert all(isinstance(r, Order) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert StockLevel.objects.get(store=store, variant=variant).reserved == 1
    assert connection.vendor == "postgresql"


def test_same_idempotency_key_at_once_over_the_api_answers_201_once():
    """N concurrent POSTs with one Idempotency-Key: one order, one 201, every other answer a 200
    with that order."""
    require_postgres()
    store = factories.StoreFactory()
    variant = factories.VariantFactory()
    factories.stock(store, variant, 50)
    shopper = factories.UserFactory(phone="+49 30 1234567")
    token = Token.objects.create(user=shopper)
    body = {"store": store.code, "lines": [{"sku": variant.sku, "quantity": 2}]}

    def post():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        response = client.post(
            "/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="same-key"
        )
        return response.status_code, response.json().get("number")

    results = run_concurrently([post for _ in range(8)])
    assert all(isinstance(r, tuple) for r in results), results
    statuses = sorted(code for code, _number in results)
    assert statuses == [200] * 7 + [201], results
    [order] = Order.objects.filter(customer=shopper)
    assert {number for _code, number in results} == {order.number}
    assert StockLevel.objects.get(store=store, variant=variant).reserved == 2


def _lock_before_write(queries) -> bool:
    sqls = [q["sql"] for q in queries]
    lock = next(
        i for i, sql in enumerate(sqls) if 'FROM "shop_order"' in sql and "FOR UPDATE" in sql
    )
    write = next(i for i, sql in enumerate(sqls) if sql.startswith('UPDATE "shop_order"'))
    return lock < write


@pytest.mark.django_db
def test_every_transition_locks_the_order_before_writing_it():
    require_postgres()
    from django.test.utils import CaptureQueriesContext

    from shop.orders.services import orders as services

    store = factories.StoreFactory()
    variant = factories.VariantFactory()
    factories.stock(store, variant, 10)
    associate = factories.staff(store)
    order = factories.pickup_order(store, [(variant, 2)])
    steps = [
        lambda o: services.order_start_picking(order=o, actor=associate),
        lambda o: services.order_mark_ready(order=o, actor=associate),
        lambda o: services.order_collect(order=o, code=o.pickup_code, actor=associate),
    ]
    for step in steps:
        with CaptureQueriesContext(connection) as ctx:
            order = step(order)
        assert _lock_before_write(ctx.captured_queries)
    other = factories.pickup_order(store, [(variant, 1)])
    with CaptureQueriesContext(connection) as ctx:
        services.order_cancel(order=other, actor=associate)
    assert _lock_before_write(ctx.captured_queries)


def test_two_associates_marking_the_same_missing_unit_open_one_rescue():
    """Desk and admin (or two associates) submit the same short pick at once: one rescue, one
    message, one unit written off."""
    require_postgres()
    from notifications.models import Notification
    from shop.orders.services.orders import order_mark_line_short, order_start_picking

    store = factories.StoreFactory()
    variant = factories.VariantFactory()
    factories.stock(store, variant, 5)
    order = order_place(
        customer=factories.UserFactory(), store=store, lines=[(variant, 2)], phone=PHONE
    )
    associates = [factories.staff(store) for _ in range(4)]
    order = order_start_picking(order=order, actor=associates[0])
    line = order.lines.get()

    def mark(associate):
        return lambda: order_mark_line_short(line=line, units=1, actor=associate, already_short=0)

    results = run_concurrently([mark(a) for a in associates])
    assert all(isinstance(r, Order) for r in results), results
    line.refresh_from_db()
    assert line.quantity_short == 1
    assert order.rescues.count() == 1
    assert Notification.objects.filter(kind="order_rescue").count() == 2  # e-mail and in-app
    level = StockLevel.objects.get(store=store, variant=variant)
    assert (level.on_hand, level.reserved) == (4, 1)
    _consistent(store)
