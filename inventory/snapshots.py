"""Snapshots of on-hand quantities from the ERP or a stock-taking: read, check, apply set-based.

A snapshot says "store S holds Q units of SKU X". Applying it sets on_hand to Q through one count
adjustment per row that differs (a repeated snapshot changes nothing). It is all or nothing: any
bad row (unknown store or SKU, a store the importing person does not work for, a negative or
non-numeric quantity, the same store and SKU twice) rejects the whole file, each row named by its
line. The rows go into a temporary table and are checked and applied with a handful of
statements, whatever their number.

Snapshot and reservations: the snapshot is the truth about the shelf, reserved units included
(units reserved for pickup but not yet picked are on the shelf and are part of the count). A
quantity below the units reserved is applied all the same; the newest reservations are cut to fit
and the pickup orders that lost units get a StockShortfall, exactly as for an oversold till sale.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.input import NUL, json_loads, nul_refusal
from core.texts import StoredText, text_fields
from shop.catalogue.models import Variant
from stores.models import Store

from .alerts import stock_alerts_fire
from .errors import SnapshotRejected
from .models import MovementKind, StockLevel, StockMovement, StockShortfall
from .services import Cut, reservations_cut
from .stock_versions import stock_changed
from .texts import STOCK_MOVEMENT_TEXTS

MAX_QUANTITY = 1_000_000_000
TABLE = "inventory_snapshot_rows"
DIFF = "inventory_snapshot_diff"
HEADERS = {"store": ("store", "store_code"), "sku": ("sku",), "quantity": ("quantity", "qty")}


@dataclass(frozen=True)
class RawRow:
    line: int
    store_code: str
    sku: str
    quantity: str


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str


@dataclass(frozen=True)
class Difference:
    store_code: str
    sku: str
    system: int
    counted: int
    reserved_cut: int

    @property
    def difference(self) -> int:
        return self.counted - self.system


@dataclass
class SnapshotReport:
    rows: int
    differences: list[Difference]
    dry_run: bool
    shortfalls: list[StockShortfall] = field(default_factory=list)


# --- reading -----------------------------------------------------------------------------------


def snapshot_read(data: bytes | str, filename: str = "") -> Iterator[RawRow]:
    """Rows of a CSV file (header: store, sku, quantity; `,` or `;`) or a JSON list of objects.

    CSV lines are numbered as in the file (the header is line 1); JSON rows from 1.
    """
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    if NUL in text:  # PostgreSQL stores no NUL in text: name the line instead of failing there
        line = text.count("\n", 0, text.index(NUL)) + 1
        raise SnapshotRejected([RowProblem(line, nul_refusal())])
    if filename.lower().endswith(".json") or text.lstrip().startswith("["):
        return _read_json(text)
    return _read_csv(text)


def _read_json(text: str) -> Iterator[RawRow]:
    try:
        rows = json_loads(text)
    except ValueError as error:  # malformed, nested too deep or with NUL (core.input)
        raise SnapshotRejected([RowProblem(0, _("Not valid JSON: %(e)s") % {"e": error})]) from None
    if not isinstance(rows, list):
        raise SnapshotRejected([RowProblem(0, _("Expected a JSON list of rows."))])
    return (
        RawRow(
            number,
            str(row.get("store", row.get("store_code", ""))).strip(),
            str(row.get("sku", "")).strip(),
            str(row.get("quantity", "")).strip(),
        )
        for number, row in enumerate((r if isinstance(r, dict) else {} for r in rows), start=1)
    )


def _read_csv(text: str) -> Iterator[RawRow]:
    """Checks the header at once (before any statement runs); the rows follow lazily."""
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as error:
        raise SnapshotRejected([_csv_problem(reader, error)]) from None
    columns = {}
    for name, aliases in HEADERS.items():
        found = [i for i, h in enumerate(header) if h in aliases]
        if not found:
            raise SnapshotRejected(
                [RowProblem(1, _("The header needs the columns store, sku and quantity."))]
            )
        columns[name] = found[0]
    return _csv_rows(reader, columns)


def _csv_problem(reader, error: csv.Error) -> RowProblem:
    """A line the csv module cannot read, e.g. a field over csv.field_size_limit()."""
    return RowProblem(reader.line_num, _("This line cannot be read as CSV: %(e)s") % {"e": error})


def _csv_rows(reader, columns: dict[str, int]) -> Iterator[RawRow]:
    width = max(columns.values()) + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise SnapshotRejected([_csv_problem(reader, error)]) from None
        if not any(cell.strip() for cell in row):
            continue
        row = row + [""] * (width - len(row))
        yield RawRow(
            reader.line_num,
            row[columns["store"]].strip(),
            row[columns["sku"]].strip(),
            row[columns["quantity"]].strip(),
        )


# --- applying ----------------------------------------------------------------------------------


def _quantity(text: str) -> tuple[int | None, str | None]:
    if text.startswith("-") and text[1:].isdigit():
        return None, _("The quantity may not be negative.")
    if not text.isdigit() or int(text) > MAX_QUANTITY:
        shown = text if len(text) <= 20 else text[:20] + "…"
        return None, _("The quantity “%(q)s” is not a whole number.") % {"q": shown}
    return int(text), None


MAX_CODE_LENGTH = 100  # the staging table's columns; no store code or SKU is longer


def _staged(rows: Iterable[RawRow]) -> Iterator[tuple]:
    for row in rows:
        if len(row.store_code) > MAX_CODE_LENGTH or len(row.sku) > MAX_CODE_LENGTH:
            quantity, problem = (
                None,
                _("The store code or SKU is longer than %(max)d characters.")
                % {"max": MAX_CODE_LENGTH},
            )
        else:
            quantity, problem = _quantity(row.quantity)
        yield (
            row.line,
            row.store_code[:MAX_CODE_LENGTH],
            row.sku[:MAX_CODE_LENGTH],
            quantity,
            problem[:255] if problem else None,
        )


def _tables() -> dict[str, str]:
    return {
        "rows": TABLE,
        "diff": DIFF,
        "store": Store._meta.db_table,
        "variant": Variant._meta.db_table,
        "level": StockLevel._meta.db_table,
        "movement": StockMovement._meta.db_table,
    }


def _sql(template: str, **placeholders: str) -> str:
    """A statement whose {names} are our own table names (and %s placeholders), never input."""
    return template.replace("{resolved}", RESOLVED).format(**_tables(), **placeholders)


def _load(cursor, rows: Iterable[RawRow]) -> None:
    cursor.execute(_sql("DROP TABLE IF EXISTS {rows}"))
    cursor.execute(
        _sql(
            "CREATE TEMPORARY TABLE {rows} (line integer, store_code varchar(100),"
            " sku varchar(100), quantity bigint, problem varchar(255))"
        )
    )
    if connection.vendor == "postgresql":
        copy_sql = _sql("COPY {rows} (line, store_code, sku, quantity, problem) FROM STDIN")
        with cursor.cursor.copy(copy_sql) as copy:
            for staged in _staged(rows):
                copy.write_row(staged)
        cursor.execute(_sql("ANALYZE {rows}"))
    else:
        cursor.executemany(
            _sql(
                "INSERT INTO {rows} (line, store_code, sku, quantity, problem)"
                " VALUES (%s, %s, %s, %s, %s)"
            ),
            _staged(rows),
        )


def _problems(cursor, allowed_store_ids: set[int] | None) -> list[RowProblem]:
    problems = []
    cursor.execute(_sql("SELECT line, problem FROM {rows} WHERE problem IS NOT NULL"))
    problems += [RowProblem(line, reason) for line, reason in cursor.fetchall()]
    if allowed_store_ids is not None:
        allowed = sorted(allowed_store_ids) or [0]
        cursor.execute(
            _sql(
                "SELECT r.line, r.store_code FROM {rows} r"
                " JOIN {store} s ON s.code = r.store_code WHERE s.id NOT IN ({allowed})",
                allowed=", ".join(["%s"] * len(allowed)),
            ),
            allowed,
        )
        problems += [
            RowProblem(line, _("You may not import stock for store “%(s)s”.") % {"s": code})
            for line, code in cursor.fetchall()
        ]
    cursor.execute(
        _sql(
            "SELECT r.line, r.store_code FROM {rows} r"
            " LEFT JOIN {store} s ON s.code = r.store_code WHERE s.id IS NULL"
        )
    )
    problems += [
        RowProblem(line, _("Unknown store “%(s)s”.") % {"s": code})
        for line, code in cursor.fetchall()
    ]
    cursor.execute(
        _sql(
            "SELECT r.line, r.sku FROM {rows} r"
            " LEFT JOIN {variant} v ON v.sku = r.sku WHERE v.id IS NULL"
        )
    )
    problems += [
        RowProblem(line, _("Unknown SKU “%(sku)s”.") % {"sku": sku})
        for line, sku in cursor.fetchall()
    ]
    cursor.execute(
        _sql(
            "SELECT line, first_line FROM (SELECT line,"
            " MIN(line) OVER (PARTITION BY store_code, sku) AS first_line,"
            " COUNT(*) OVER (PARTITION BY store_code, sku) AS copies FROM {rows}) AS c"
            " WHERE copies > 1 AND line > first_line"
        )
    )
    problems += [
        RowProblem(line, _("Same store and SKU as line %(first)d.") % {"first": first})
        for line, first in cursor.fetchall()
    ]
    return problems


def stock_snapshot_import(
    *,
    rows: Iterable[RawRow],
    user=None,
    allowed_store_ids: set[int] | None = None,
    dry_run: bool = False,
    note: str | StoredText = "",
) -> SnapshotReport:
    """Check a snapshot and, unless `dry_run`, set on_hand to it; report every difference.

    `allowed_store_ids` limits the stores the snapshot may name (None: any, for the ERP command).
    Raises SnapshotRejected listing every bad row by line; then nothing is applied. Rows that
    differ are locked in primary-key order before they are compared again and written.
    """
    # On an error the transaction's rollback takes the temporary tables with it.
    with transaction.atomic(), connection.cursor() as cursor:
        _load(cursor, rows)
        problems = _problems(cursor, allowed_store_ids)
        if problems:
            raise SnapshotRejected(problems)
        cursor.execute(_sql("SELECT COUNT(*) FROM {rows}"))
        (count,) = cursor.fetchone()
        if not count:
            raise SnapshotRejected([RowProblem(0, _("The snapshot holds no rows."))])
        now = timezone.now()
        if not dry_run:
            _create_missing_levels(cursor, now)
        _stage_differences(cursor, lock=not dry_run)
        differences = _differences(cursor)
        shortfalls = [] if dry_run else _apply(cursor, now, user, note)
        cursor.execute(_sql("DROP TABLE {rows}"))
        cursor.execute(_sql("DROP TABLE {diff}"))
    return SnapshotReport(
        rows=count, differences=differences, dry_run=dry_run, shortfalls=shortfalls
    )


RESOLVED = (
    " FROM {rows} r JOIN {store} s ON s.code = r.store_code JOIN {variant} v ON v.sku = r.sku"
)


def _create_missing_levels(cursor, now) -> None:
    cursor.execute(
        _sql(
            "INSERT INTO {level} (store_id, variant_id, on_hand, reserved, safety_buffer,"
            " reorder_point, updated_at) SELECT s.id, v.id, 0, 0, 0, 0, %s {resolved}"
            " WHERE NOT EXISTS (SELECT 1 FROM {level} l"
            " WHERE l.store_id = s.id AND l.variant_id = v.id)"
            " ON CONFLICT (store_id, variant_id) DO NOTHING"
        ),
        [now],
    )


def _stage_differences(cursor, *, lock: bool) -> None:
    """Fill the diff table with the rows whose on_hand differs; locked and re-read if `lock`."""
    cursor.execute(
        _sql(
            "CREATE TEMPORARY TABLE {diff} AS SELECT l.id AS level_id, l.store_id,"
            " l.variant_id, s.code AS store_code, v.sku, l.on_hand AS system, l.reserved,"
            " r.quantity AS counted {resolved}"
            " JOIN {level} l ON l.store_id = s.id AND l.variant_id = v.id"
            " WHERE l.on_hand <> r.quantity"
        )
    )
    if not lock or connection.vendor != "postgresql":
        return  # SQLite locks the whole database for the writing transaction
    cursor.execute(
        _sql(
            "SELECT id FROM {level} WHERE id IN (SELECT level_id FROM {diff}) ORDER BY id FOR UPDATE"
        )
    )
    cursor.execute(
        _sql(
            "UPDATE {diff} SET system = l.on_hand, reserved = l.reserved"
            " FROM {level} l WHERE l.id = {diff}.level_id"
        )
    )
    cursor.execute(_sql("DELETE FROM {diff} WHERE system = counted"))


def _differences(cursor) -> list[Difference]:
    cursor.execute(
        _sql(
            "SELECT store_code, sku, system, counted,"
            " CASE WHEN counted < reserved THEN reserved - counted ELSE 0 END"
            " FROM {diff} ORDER BY store_code, sku"
        )
    )
    return [Difference(*row) for row in cursor.fetchall()]


def _note_values(note: str | StoredText) -> tuple:
    """note, note_code and note_params of a movement, as parameters of the raw INSERT."""
    fields = text_fields(StockMovement, note)
    params = StockMovement._meta.get_field("note_params").get_db_prep_value(
        fields.get("note_params"), connection
    )
    return fields["note"], fields.get("note_code", ""), params


def _apply(cursor, now, user, note: str | StoredText) -> list[StockShortfall]:
    cursor.execute(
        _sql(
            "SELECT store_id, variant_id, reserved - counted FROM {diff}"
            " WHERE counted < reserved ORDER BY level_id"
        )
    )
    cuts = [Cut(s, v, units, MovementKind.COUNT_ADJUSTMENT) for s, v, units in cursor.fetchall()]
    cursor.execute(
        _sql(
            "INSERT INTO {movement} (store_id, variant_id, kind, quantity, reserved_delta,"
            " reference, external_id, note, note_code, note_params, created_at, created_by_id)"
            " SELECT store_id, variant_id, %s, counted - system,"
            " CASE WHEN counted < reserved THEN counted - reserved ELSE 0 END, %s, '', %s, %s, %s,"
            " %s, %s FROM {diff}"
        ),
        [
            MovementKind.COUNT_ADJUSTMENT,
            f"snapshot-{now:%Y%m%d-%H%M%S}",
            *_note_values(note or STOCK_MOVEMENT_TEXTS.make("stock_snapshot")),
            now,
            user.pk if user is not None else None,
        ],
    )
    cursor.execute(
        _sql(
            "UPDATE {level} SET on_hand = d.counted, updated_at = %s,"
            " reserved = CASE WHEN d.counted < d.reserved THEN d.counted ELSE d.reserved END"
            " FROM {diff} d WHERE {level}.id = d.level_id"
        ),
        [now],
    )
    shortfalls = reservations_cut(cuts=cuts)
    cursor.execute(_sql("SELECT store_id, variant_id FROM {diff}"))
    changed: dict[int, list[int]] = {}
    for store_id, variant_id in cursor.fetchall():
        changed.setdefault(store_id, []).append(variant_id)
    for store_id, variant_ids in changed.items():
        stock_changed(store_id=store_id, variant_ids=variant_ids)
    cursor.execute(
        _sql("SELECT store_id, variant_id FROM {diff} WHERE counted > system ORDER BY level_id")
    )
    risen: dict[int, list[int]] = {}
    for store_id, variant_id in cursor.fetchall():
        risen.setdefault(store_id, []).append(variant_id)
    for store_id, variant_ids in sorted(risen.items()):
        stock_alerts_fire(store_id=store_id, variant_ids=variant_ids)
    return shortfalls
