import re
from decimal import Decimal

import pytest

from core.qr import qr_code as code_qr
from inventory.models import Reservation, StockLevel
from shop.orders.errors import IdempotencyConflict, OrderError, OrderShortage
from shop.orders.models import Order, OrderStatus
from shop.orders.pickup_codes import ALPHABET, pickup_code_generate
from shop.orders.services.orders import order_place
from tests import factories
from tests.orders.helpers import level, reservations

pytestmark = pytest.mark.django_db

PHONE = "+49 30 1234567"


def test_place_reserves_snapshots_and_numbers(store, shopper, jacket, socks):
    order = order_place(
        customer=shopper, store=store, lines=[(jacket, 2), (socks, 1), (jacket, 1)], phone=PHONE
    )
    assert order.status == OrderStatus.PLACED
    assert re.fullmatch(rf"CC-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}", order.number)
    assert re.fullmatch(rf"[{ALPHABET}]{{8}}", order.pickup_code)
    assert not set("0O1IL") & set(order.pickup_code)
    lines = {line.sku: line for line in order.lines.all()}
    assert {sku: line.quantity for sku, line in lines.items()} == {jacket.sku: 3, socks.sku: 1}
    assert lines[jacket.sku].product_name == jacket.product.name
    assert lines[jacket.sku].unit_price == Decimal("49.90")
    assert order.total == order.amount_due == Decimal("154.70")
    assert order.email == shopper.email
    assert level(store, jacket) == (10, 3)
    assert reservations(order) == {jacket.pk: 3, socks.pk: 1}
    event = order.events.get()
    assert (event.actor, event.from_status, event.to_status) == (shopper, "", OrderStatus.PLACED)


def test_snapshot_survives_price_change(store, shopper, jacket):
    order = order_place(customer=shopper, store=store, lines=[(jacket, 1)], phone=PHONE)
    jacket.price = Decimal("99.00")
    jacket.save()
    assert order.lines.get().unit_price == Decimal("49.90")


def test_numbers_and_codes_are_not_sequential(store, shopper, jacket):
    orders = [
        order_place(customer=shopper, store=store, lines=[(jacket, 1)], phone=PHONE)
        for _ in range(3)
    ]
    assert len({o.number for o in orders}) == 3
    assert len({o.pickup_code for o in orders}) == 3


def test_idempotency_key_returns_the_first_order(store, shopper, jacket):
    first = order_place(
        customer=shopper, store=store, lines=[(jacket, 1)], phone=PHONE, idempotency_key="k-1"
    )
    again = order_place(
        customer=shopper, store=store, lines=[(jacket, 1)], phone=PHONE, idempotency_key="k-1"
    )
    assert again.pk == first.pk
    assert level(store, jacket) == (10, 1)
    other = factories.UserFactory()
    theirs = order_place(
        customer=other, store=store, lines=[(jacket, 1)], phone=PHONE, idempotency_key="k-1"
    )
    assert theirs.pk != first.pk


def test_idempotency_key_reused_for_other_lines_or_store_is_a_conflict(
    store, shopper, jacket, socks
):
    first = order_place(
        customer=shopper, store=store, lines=[(jacket, 2)], phone=PHONE, idempotency_key="k-1"
    )
    other_store = factories.StoreFactory()
    factories.stock(other_store, jacket, 5)
    for lines, target in (
        ([(jacket, 1)], store),
        ([(jacket, 2), (socks, 1)], store),
        ([(jacket, 2)], other_store),
    ):
        with pytest.raises(IdempotencyConflict, match=first.number) as refused:
            order_place(
                customer=shopper, store=target, lines=lines, phone=PHONE, idempotency_key="k-1"
            )
        assert (refused.value.code, refused.value.http_status) == ("idempotency_conflict", 409)
    assert Order.objects.count() == 1 and level(store, jacket) == (10, 2)
    # The same request again, also with its units split over two lines, is the same order.
    for lines in ([(jacket, 2)], [(jacket, 1), (jacket, 1)]):
        again = order_place(
            customer=shopper, store=store, lines=lines, phone=PHONE, idempotency_key=" k-1 "
        )
        assert again.pk == first.pk
    assert Order.objects.count() == 1 and level(store, jacket) == (10, 2)


def _refused(store, shopper, lines, phone=PHONE, match=None, target=None):
    with pytest.raises(OrderError, match=match):
        order_place(customer=shopper, store=target or store, lines=lines, phone=phone)
    assert not Order.objects.exists()
    assert not Reservation.objects.exists()
    assert not StockLevel.objects.filter(reserved__gt=0).exists()


@pytest.mark.parametrize("quantity", [0, -1, 100, 1.5, "2", True, None])
def test_bad_quantities_are_refused(store, shopper, jacket, quantity):
    _refused(store, shopper, [(jacket, quantity)])


def test_merged_lines_above_the_limit_are_refused(store, shopper, jacket):
    _refused(store, shopper, [(jacket, 60), (jacket, 40)], match="At most 99")


def test_empty_order_is_refused(store, shopper):
    _refused(store, shopper, [], match="no items")


def test_store_without_pickup_is_refused(store, shopper, jacket):
    closed = factories.StoreFactory(pickup_enabled=False)
    _refused(store, shopper, [(jacket, 1)], match="does not offer pickup", target=closed)


def test_inactive_store_is_refused(store, shopper, jacket):
    store.is_active = False
    store.save()
    _refused(store, shopper, [(jacket, 1)], match="does not offer pickup")


def test_inactive_variant_is_refused(store, shopper, jacket, socks):
    socks.is_active = False
    socks.save()
    _refused(store, shopper, [(jacket, 1), (socks, 1)], match=socks.sku)


def test_inactive_product_is_refused(store, shopper, jacket):
    jacket.product.is_active = False
    jacket.product.save()
    _refused(store, shopper, [(jacket, 1)], match="no longer sold")


@pytest.mark.parametrize("phone", ["", "   ", "call me", "12", "+49 30 123 456 789 012 345 678 9"])
def test_bad_phone_is_refused(store, shopper, jacket, phone):
    _refused(store, shopper, [(jacket, 1)], phone=phone, match="phone")


def test_shortage_reserves_nothing_and_says_where_else(store, shopper, jacket, socks):
    near = factories.StoreFactory(latitude=Decimal("52.53"), longitude=Decimal("13.41"))
    far = factories.StoreFactory(latitude=Decimal("48.13"), longitude=Decimal("11.58"))
    no_pickup = factories.StoreFactory(pickup_enabled=False, latitude=Decimal("52.52"))
    for other in (far, near, no_pickup):
        factories.stock(other, jacket, 20)
    with pytest.raises(OrderShortage) as caught:
        order_place(customer=shopper, store=store, lines=[(jacket, 11), (socks, 2)], phone=PHONE)
    [short] = caught.value.shortages
    assert (short.variant, short.requested, short.available) == (jacket, 11, 10)
    assert short.elsewhere == [(near, 20), (far, 20)]
    assert jacket.sku in str(caught.value)
    assert not Order.objects.exists()
    assert level(store, jacket) == (10, 0)
    assert level(store, socks) == (10, 0)


def test_variant_without_stock_row_is_short(store, shopper, jacket):
    unstocked = factories.VariantFactory()
    with pytest.raises(OrderShortage) as caught:
        order_place(customer=shopper, store=store, lines=[(jacket, 1), (unstocked, 1)], phone=PHONE)
    assert [s.variant for s in caught.value.shortages] == [unstocked]
    assert level(store, jacket) == (10, 0)


def test_safety_buffer_is_kept_back(store, shopper):
    variant = factories.VariantFactory()
    factories.stock(store, variant, 5, safety_buffer=2)
    with pytest.raises(OrderShortage):
        order_place(customer=shopper, store=store, lines=[(variant, 4)], phone=PHONE)
    order = order_place(customer=shopper, store=store, lines=[(variant, 3)], phone=PHONE)
    assert order.lines.get().quantity == 3


def test_code_qr_is_a_regular_qr_code_that_phones_and_scanners_read():
    qr = code_qr(pickup_code_generate())
    assert not qr.is_micro
