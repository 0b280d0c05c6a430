import contextlib
import threading

import pytest
from django.db import connection

from inventory.errors import InsufficientStock
from inventory.models import (
    FindingKind,
    ReconciliationFinding,
    RunStatus,
    StockLevel,
    StockMovement,
)
from inventory.services import stock_reconcile, stock_release, stock_reserve
from notifications.models import Notification
from stores.models import StaffRole
from tests.components import require_postgres
from tests.factories import StoreFactory, VariantFactory, reserve, staff, stock


def sql(statement, params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.mark.django_db
def test_clean_stock_gives_a_clean_run(store, variant):
    stock(store, variant, on_hand=5)
    reserve(store, variant, 2, "CC-1")
    run = stock_reconcile()
    assert (run.status, run.levels_checked, run.findings_count) == (RunStatus.CLEAN, 1, 0)


@pytest.mark.django_db
def test_reserved_drift_is_repaired_and_recorded(store, variant):
    level = stock(store, variant, on_hand=5)
    reserve(store, variant, 2, "CC-1")
    sql("UPDATE inventory_stocklevel SET reserved = 4 WHERE id = %s", [level.pk])
    run = stock_reconcile()
    finding = ReconciliationFinding.objects.get(run=run)
    assert (finding.kind, finding.expected, finding.actual, finding.repaired) == (
        FindingKind.RESERVED,
        2,
        4,
        True,
    )
    level.refresh_from_db()
    assert level.reserved == 2
    repair = StockMovement.objects.get(reference=f"reconciliation-{run.pk}")
    assert repair.reserved_delta == -2 and repair.note_code == "reconciliation"
    assert stock_reconcile().status == RunStatus.CLEAN


@pytest.mark.django_db
def test_on_hand_drift_is_reported_never_overwritten(store, variant):
    manager = staff(store, role=StaffRole.MANAGER)
    level = stock(store, variant, on_hand=5)
    sql("UPDATE inventory_stocklevel SET on_hand = 9 WHERE id = %s", [level.pk])
    run = stock_reconcile()
    assert run.status == RunStatus.DRIFT
    finding = ReconciliationFinding.objects.get(run=run)
    assert (finding.kind, finding.expected, finding.actual, finding.repaired) == (
        FindingKind.ON_HAND,
        5,
        9,
        False,
    )
    level.refresh_from_db()
    assert level.on_hand == 9
    assert list(
        Notification.objects.filter(kind="stock_drift_found").values_list("recipient", flat=True)
    ) == [manager.pk]
    # Still there the next night: it is for a person to settle.
    assert stock_reconcile().findings_count == 1


@pytest.mark.django_db
def test_deleted_reservation_and_ledger_row_are_found(store, variant):
    other = VariantFactory()
    stock(store, variant, on_hand=5)
    stock(store, other, on_hand=3)
    reserve(store, variant, 1, "CC-1")
    sql("DELETE FROM inventory_reservation WHERE reference = %s", ["CC-1"])
    sql("DELETE FROM inventory_stockmovement WHERE variant_id = %s", [other.pk])
    run = stock_reconcile()
    assert sorted(run.findings.values_list("variant_id", "kind", "expected", "actual")) == sorted(
        [(variant.pk, "reserved", 0, 1), (other.pk, "on_hand", 0, 3)]
    )


@pytest.mark.django_db
def test_run_for_some_stores_leaves_the_others_alone(variant):
    first, second = StoreFactory(), StoreFactory()
    for store in (first, second):
        level = stock(store, variant, on_hand=5)
        sql("UPDATE inventory_stocklevel SET on_hand = 7 WHERE id = %s", [level.pk])
    run = stock_reconcile(store_ids=[first.pk])
    assert list(run.findings.values_list("store_id", flat=True)) == [first.pk]
    assert run.levels_checked == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_checkouts_in_flight_are_not_drift():
    require_postgres()
    store = StoreFactory()
    variants = VariantFactory.create_batch(4)
    for v in variants:
        stock(store, v, on_hand=1000)
    stop = threading.Event()
    errors = []
    cycles = [0, 0, 0]

    def shopper(number):
        try:
            n = 0
            while not stop.is_set():
                n += 1
                reference = f"CC-{number}-{n}"
                with contextlib.suppress(InsufficientStock):
                    stock_reserve(
                        store_id=store.pk,
                        reference=reference,
                        quantities={v.pk: 1 + (n % 2) for v in variants[number % 2 :]},
                    )
                stock_release(reference=reference)
                cycles[number] += 1
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=shopper, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    try:
        runs = []
        while len(runs) < 15 or sum(cycles) < 60:
            runs.append(stock_reconcile())
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not errors
    assert min(cycles) > 0
    assert [r.findings_count for r in runs] == [0] * len(runs)
    assert all(r.status == RunStatus.CLEAN for r in runs)
    levels = StockLevel.objects.filter(store=store)
    assert {level.reserved for level in levels} == {0}
    assert not ReconciliationFinding.objects.exists()


@pytest.mark.django_db
def test_nightly_task_is_scheduled_and_runs(settings, store, variant):
    from inventory.models import ReconciliationRun
    from inventory.tasks import reconcile_stock

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "inventory.tasks.reconcile_stock" in tasks
    stock(store, variant, on_hand=2)
    run_id = reconcile_stock.apply(kwargs={"store_ids": [store.pk]}).get()
    run = ReconciliationRun.objects.get(pk=run_id)
    assert (run.status, run.levels_checked) == (RunStatus.CLEAN, 1)


@pytest.mark.django_db
def test_manager_without_stores_reconciles_nothing():
    run = stock_reconcile(store_ids=[])
    assert (run.status, run.levels_checked, run.findings_count) == (RunStatus.CLEAN, 0, 0)


@pytest.mark.django_db
def test_reservations_beyond_the_shelf_are_reported_not_forced(store, variant):
    level = stock(store, variant, on_hand=2)
    reserve(store, variant, 2, "CC-1")
    sql("UPDATE inventory_stocklevel SET on_hand = 1, reserved = 1 WHERE id = %s", [level.pk])
    run = stock_reconcile()
    assert sorted(run.findings.values_list("kind", "expected", "actual", "repaired")) == [
        ("on_hand", 2, 1, False),
        ("reserved", 2, 1, False),
    ]
    level.refresh_from_db()
    assert (level.on_hand, level.reserved) == (1, 1)
