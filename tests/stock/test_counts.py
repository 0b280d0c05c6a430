import pytest
from django.test import override_settings

from inventory.counts import (
    CountError,
    stock_count_approve,
    stock_count_open,
    stock_count_record,
    stock_count_reject,
    stock_count_submit,
    stock_count_take,
)
from inventory.models import CountStatus, StockLevel, StockMovement
from inventory.services import Delta, stock_deltas_apply
from stores.models import StaffRole
from tests.factories import StoreFactory, VariantFactory, reserve, staff, stock

pytestmark = pytest.mark.django_db


def on_hand(store, variant):
    return StockLevel.objects.get(store=store, variant=variant).on_hand


def test_small_variance_applies_at_once_as_a_count_adjustment(store, variant):
    stock(store, variant, on_hand=20)
    count = stock_count_take(store=store, user=staff(store), counted={variant.pk: 18})
    assert count.status == CountStatus.APPLIED
    assert on_hand(store, variant) == 18
    movement = StockMovement.objects.get(kind="count_adjustment")
    assert (movement.quantity, movement.reference) == (-2, count.reference)


def test_reserved_units_are_on_the_shelf_and_are_counted(store, variant):
    """5 on hand, 2 of them reserved and not yet picked: counting 5 means no variance."""
    stock(store, variant, on_hand=5)
    reserve(store, variant, 2, "CC-1")
    count = stock_count_take(store=store, user=staff(store), counted={variant.pk: 5})
    line = count.lines.get()
    assert (line.system_on_hand, line.variance) == (5, 0)
    level = StockLevel.objects.get()
    assert (level.on_hand, level.reserved) == (5, 2)


@override_settings(STOCK_COUNT_APPROVAL_THRESHOLD={"units": 10, "percent": 20})
def test_large_variance_waits_for_a_manager_and_an_associate_cannot_approve(store, variant):
    stock(store, variant, on_hand=100)
    associate = staff(store)
    count = stock_count_take(store=store, user=associate, counted={variant.pk: 80})
    assert count.status == CountStatus.SUBMITTED
    assert on_hand(store, variant) == 100
    with pytest.raises(CountError):
        stock_count_approve(count=count, user=associate)
    other_manager = staff(StoreFactory(), role=StaffRole.MANAGER)
    with pytest.raises(CountError):
        stock_count_approve(count=count, user=other_manager)
    count.refresh_from_db()
    assert count.status == CountStatus.SUBMITTED
    assert on_hand(store, variant) == 100
    assert not StockMovement.objects.filter(kind="count_adjustment").exists()
    count = stock_count_approve(count=count, user=staff(store, role=StaffRole.MANAGER))
    assert count.status == CountStatus.APPLIED
    assert on_hand(store, variant) == 80


@override_settings(STOCK_COUNT_APPROVAL_THRESHOLD={"units": 10, "percent": 20})
def test_percent_threshold_and_rejection(store, variant):
    stock(store, variant, on_hand=10)
    count = stock_count_take(store=store, user=staff(store), counted={variant.pk: 7})  # 30 %
    assert count.status == CountStatus.SUBMITTED
    count = stock_count_reject(count=count, user=staff(store, role=StaffRole.MANAGER))
    assert count.status == CountStatus.REJECTED
    assert on_hand(store, variant) == 10
    with pytest.raises(CountError):
        stock_count_approve(count=count, user=staff(store, role=StaffRole.MANAGER))


def test_sales_between_count_and_approval_are_kept(store, variant):
    """Apply the variance at count time (counted − system then), not an absolute overwrite."""
    stock(store, variant, on_hand=100)
    count = stock_count_take(store=store, user=staff(store), counted={variant.pk: 70})
    assert count.status == CountStatus.SUBMITTED
    stock_deltas_apply(
        store_id=store.pk,
        deltas=[Delta(variant_id=variant.pk, quantity=-5, kind="sale", external_id="T1")],
    )
    stock_count_approve(count=count, user=staff(store, role=StaffRole.MANAGER))
    assert on_hand(store, variant) == 100 - 5 - 30


def test_counting_is_for_staff_of_the_store_and_happens_once(store, variant):
    stock(store, variant, on_hand=3)
    with pytest.raises(CountError):
        stock_count_open(store=store, user=staff(StoreFactory()))
    user = staff(store)
    count = stock_count_open(store=store, user=user)
    with pytest.raises(CountError):
        stock_count_record(count=count, user=user, counted={variant.pk: -1})
    stock_count_record(count=count, user=user, counted={variant.pk: 2})
    stock_count_record(count=count, user=user, counted={variant.pk: 3})  # recounted
    stock_count_submit(count=count, user=user)
    with pytest.raises(CountError):
        stock_count_submit(count=count, user=user)
    assert on_hand(store, variant) == 3
    assert not StockMovement.objects.filter(kind="count_adjustment").exists()


def test_variant_without_stock_row_counts_from_zero(store):
    variant = VariantFactory()
    stock_count_take(store=store, user=staff(store), counted={variant.pk: 4})
    assert on_hand(store, variant) == 4
