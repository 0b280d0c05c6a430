import json

import pytest
from django.core.management import CommandError, call_command

from inventory.errors import SnapshotRejected
from inventory.models import Reservation, StockLevel, StockMovement, StockShortfall
from inventory.snapshots import snapshot_read, stock_snapshot_import
from tests.factories import StoreFactory, VariantFactory, reserve, stock

pytestmark = pytest.mark.django_db


def run(text, **kwargs):
    return stock_snapshot_import(rows=snapshot_read(text, kwargs.pop("name", "s.csv")), **kwargs)


def state():
    return sorted(StockLevel.objects.values_list("store_id", "variant_id", "on_hand", "reserved"))


def test_snapshot_sets_on_hand_through_count_adjustments_and_reports_differences(store, variant):
    other = VariantFactory()
    new = VariantFactory()  # no stock row yet
    stock(store, variant, on_hand=10)
    stock(store, other, on_hand=4)
    report = run(
        f"store;sku;quantity\n{store.code};{variant.sku};7\n{store.code};{other.sku};4\n"
        f"{store.code};{new.sku};2\n"
    )
    assert [(d.sku, d.system, d.counted, d.difference) for d in report.differences] == sorted(
        [(variant.sku, 10, 7, -3), (new.sku, 0, 2, 2)]
    )
    levels = dict(StockLevel.objects.values_list("variant__sku", "on_hand"))
    assert levels == {variant.sku: 7, other.sku: 4, new.sku: 2}
    adjustments = StockMovement.objects.filter(kind="count_adjustment")
    assert sorted(adjustments.values_list("variant__sku", "quantity")) == sorted(
        [(variant.sku, -3), (new.sku, 2)]
    )


def test_repeated_snapshot_changes_nothing(store, variant):
    stock(store, variant, on_hand=10)
    text = json.dumps([{"store": store.code, "sku": variant.sku, "quantity": 6}])
    run(text, name="s.json")
    before, movements = state(), StockMovement.objects.count()
    report = run(text, name="s.json")
    assert report.differences == []
    assert state() == before
    assert StockMovement.objects.count() == movements


def test_bad_rows_are_listed_by_line_and_nothing_is_applied(store, variant):
    stock(store, variant, on_hand=10)
    other = VariantFactory()
    before, movements = state(), StockMovement.objects.count()
    text = (
        "store,sku,quantity\n"
        f"{store.code},{variant.sku},3\n"  # 2: fine
        f"nowhere,{variant.sku},3\n"  # 3: unknown store
        f"{store.code},NOPE,3\n"  # 4: unknown SKU
        f"{store.code},{other.sku},-1\n"  # 5: negative
        f"{store.code},{other.sku},drei\n"  # 6: not a number
        f"{store.code},{variant.sku},4\n"  # 7: duplicate of line 2
    )
    with pytest.raises(SnapshotRejected) as excinfo:
        run(text)
    lines = {p.line: p.reason for p in excinfo.value.problems}
    assert sorted(lines) == [3, 4, 5, 6, 7]
    assert "nowhere" in lines[3] and "NOPE" in lines[4] and "2" in lines[7]
    assert state() == before
    assert StockMovement.objects.count() == movements


def test_staff_may_import_only_for_their_stores(store, variant):
    other = StoreFactory()
    stock(other, variant, on_hand=1)
    with pytest.raises(SnapshotRejected) as excinfo:
        run(f"store,sku,quantity\n{other.code},{variant.sku},9\n", allowed_store_ids={store.pk})
    assert [p.line for p in excinfo.value.problems] == [2]
    assert StockLevel.objects.get(store=other).on_hand == 1


def test_dry_run_reports_and_changes_nothing(store, variant):
    stock(store, variant, on_hand=10)
    before = state()
    report = run(f"store,sku,quantity\n{store.code},{variant.sku},3\n", dry_run=True)
    assert [d.difference for d in report.differences] == [-7]
    assert state() == before


def test_snapshot_below_reserved_is_applied_and_flags_the_pickup_orders(store, variant):
    """The snapshot is the shelf, reserved units included: below `reserved` it cuts reservations."""
    stock(store, variant, on_hand=6)
    reserve(store, variant, 2, "CC-A")
    reserve(store, variant, 3, "CC-B")
    report = run(f"store,sku,quantity\n{store.code},{variant.sku},4\n")
    assert report.differences[0].reserved_cut == 1
    level = StockLevel.objects.get()
    assert (level.on_hand, level.reserved) == (4, 4)
    assert list(Reservation.objects.order_by("reference").values_list("reference", "quantity")) == [
        ("CC-A", 2),
        ("CC-B", 2),
    ]
    assert list(StockShortfall.objects.values_list("reference", "units_missing")) == [("CC-B", 1)]
    movements = StockMovement.objects.filter(store=store, variant=variant)
    assert sum(m.quantity for m in movements) == 4
    assert sum(m.reserved_delta for m in movements) == 4


def test_command_prints_differences_and_fails_on_bad_rows(tmp_path, store, variant, capsys):
    stock(store, variant, on_hand=10)
    good = tmp_path / "good.csv"
    good.write_text(f"store,sku,quantity\n{store.code},{variant.sku},8\n")
    call_command("import_stock_snapshot", str(good), "--dry-run")
    assert f"{store.code}\t{variant.sku}\t10\t8\t-2" in capsys.readouterr().out
    assert StockLevel.objects.get().on_hand == 10
    call_command("import_stock_snapshot", str(good))
    assert StockLevel.objects.get().on_hand == 8
    bad = tmp_path / "bad.csv"
    bad.write_text(f"store,sku,quantity\n{store.code},{variant.sku},x\n")
    with pytest.raises(CommandError):
        call_command("import_stock_snapshot", str(bad))
    assert "line 2" in capsys.readouterr().err
    assert StockLevel.objects.get().on_hand == 8


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("sku,quantity\nX,1\n", "s.csv"),
        ("{not json", "s.json"),
        ('{"a": 1}', "s.json"),
        ("store,sku,quantity\n", "s.csv"),
    ],
)
def test_unreadable_files_are_rejected_with_a_reason(store, variant, text, name):
    stock(store, variant, on_hand=3)
    with pytest.raises(SnapshotRejected) as excinfo:
        run(text, name=name)
    assert excinfo.value.problems[0].reason
    assert StockLevel.objects.get().on_hand == 3
    # the connection is still usable: a good snapshot goes through afterwards
    run(f"store,sku,quantity\n{store.code},{variant.sku},2\n")
    assert StockLevel.objects.get().on_hand == 2
