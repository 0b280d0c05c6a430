"""`stock_reserve`: every line in one statement on PostgreSQL, all or nothing without a
savepoint, and the caller's transaction still usable after a refusal."""

import pytest
from django.db import connection

from inventory.errors import InsufficientStock
from inventory.models import MovementKind, Reservation, StockLevel, StockMovement
from inventory.services import stock_reserve
from tests import factories

pytestmark = pytest.mark.django_db

# PostgreSQL: the guarded UPDATE, the reservations and the ledger rows are one statement.
STATEMENTS = {"postgresql": 1, "sqlite": 3}


def _levels(store, *variants):
    rows = StockLevel.objects.filter(store=store, variant__in=variants)
    return {row.variant_id: (row.on_hand, row.reserved) for row in rows}


def test_all_lines_in_one_go(store, django_assert_num_queries):
    user = factories.UserFactory()
    jacket = factories.stocked_variant(store, "49.90", units=5)
    socks = factories.stocked_variant(store, "5.00", units=3)
    with django_assert_num_queries(STATEMENTS[connection.vendor]):
        stock_reserve(
            store_id=store.pk,
            reference="CC-TEST",
            quantities={jacket.pk: 5, socks.pk: 1},
            user=user,
        )
    assert _levels(store, jacket, socks) == {jacket.pk: (5, 5), socks.pk: (3, 1)}
    assert sorted(Reservation.objects.values_list("variant_id", "reference", "quantity")) == sorted(
        [(jacket.pk, "CC-TEST", 5), (socks.pk, "CC-TEST", 1)]
    )
    movements = StockMovement.objects.filter(reference="CC-TEST").order_by("variant_id")
    assert [
        (m.variant_id, m.kind, m.quantity, m.reserved_delta, m.reference, m.created_by_id)
        for m in movements
    ] == sorted(
        [
            (jacket.pk, MovementKind.PICKUP_RESERVED, 0, 5, "CC-TEST", user.pk),
            (socks.pk, MovementKind.PICKUP_RESERVED, 0, 1, "CC-TEST", user.pk),
        ]
    )
    assert all(m.created_at is not None and m.note_params is None for m in movements)


def test_one_short_line_reserves_nothing_and_the_transaction_goes_on(store):
    jacket = factories.stocked_variant(store, "49.90", units=5)
    socks = factories.stocked_variant(store, "5.00", units=3)
    StockLevel.objects.filter(store=store, variant=socks).update(safety_buffer=1)
    with pytest.raises(InsufficientStock) as caught:
        stock_reserve(
            store_id=store.pk, reference="CC-TEST", quantities={jacket.pk: 2, socks.pk: 3}
        )
    [short] = caught.value.shortages
    assert (short.variant_id, short.requested, short.available) == (socks.pk, 3, 2)
    # Still inside the test's transaction: readable, and nothing is left reserved.
    assert _levels(store, jacket, socks) == {jacket.pk: (5, 0), socks.pk: (3, 0)}
    assert (
        not Reservation.objects.exists()
        and not StockMovement.objects.filter(reference="CC-TEST").exists()
    )
    stock_reserve(store_id=store.pk, reference="CC-NEXT", quantities={jacket.pk: 5, socks.pk: 2})
    assert _levels(store, jacket, socks) == {jacket.pk: (5, 5), socks.pk: (3, 2)}


def test_a_variant_without_stock_row_is_short(store):
    jacket = factories.stocked_variant(store, "49.90", units=5)
    nowhere = factories.VariantFactory()
    with pytest.raises(InsufficientStock) as caught:
        stock_reserve(
            store_id=store.pk, reference="CC-TEST", quantities={jacket.pk: 1, nowhere.pk: 1}
        )
    assert [(s.variant_id, s.available) for s in caught.value.shortages] == [(nowhere.pk, 0)]
    assert _levels(store, jacket) == {jacket.pk: (5, 0)}
