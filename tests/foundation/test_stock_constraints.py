import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from inventory.errors import InsufficientStock
from inventory.models import Reservation, StockLevel, StockMovement
from inventory.services import stock_collect, stock_release, stock_reserve
from tests.factories import stock

pytestmark = pytest.mark.django_db


def test_database_rejects_an_update_that_over_reserves(store, variant):
    level = stock(store, variant, on_hand=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(pk=level.pk).update(reserved=F("on_hand") + 1)
    level.refresh_from_db()
    assert level.reserved == 0


def test_database_rejects_negative_safety_buffer(store, variant):
    level = stock(store, variant, on_hand=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(pk=level.pk).update(safety_buffer=-1)


def test_reserve_is_all_or_nothing_and_names_the_short_line(store, variant):
    from tests.factories import VariantFactory

    other = VariantFactory()
    stock(store, variant, on_hand=5)
    stock(store, other, on_hand=1)
    with pytest.raises(InsufficientStock) as excinfo:
        stock_reserve(store_id=store.pk, reference="A1", quantities={variant.pk: 2, other.pk: 2})
    assert [(s.variant_id, s.requested, s.available) for s in excinfo.value.shortages] == [
        (other.pk, 2, 1)
    ]
    assert not Reservation.objects.exists()
    assert set(StockLevel.objects.values_list("reserved", flat=True)) == {0}


def test_safety_buffer_is_kept_back(store, variant):
    stock(store, variant, on_hand=5, safety_buffer=2)
    with pytest.raises(InsufficientStock):
        stock_reserve(store_id=store.pk, reference="A1", quantities={variant.pk: 4})
    stock_reserve(store_id=store.pk, reference="A2", quantities={variant.pk: 3})
    assert StockLevel.objects.get().reserved == 3


def test_collect_and_release_keep_the_ledger_equal_to_on_hand(store, variant):
    stock(store, variant, on_hand=5)
    stock_reserve(store_id=store.pk, reference="A1", quantities={variant.pk: 2})
    stock_reserve(store_id=store.pk, reference="A2", quantities={variant.pk: 1})
    stock_collect(reference="A1")
    stock_release(reference="A2")
    level = StockLevel.objects.get()
    assert (level.on_hand, level.reserved) == (3, 0)
    movements = StockMovement.objects.filter(store=store, variant=variant)
    assert sum(m.quantity for m in movements) == level.on_hand
    assert sum(m.reserved_delta for m in movements) == level.reserved
    assert not Reservation.objects.exists()
