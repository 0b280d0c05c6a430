"""Nightly (and on demand) check that every stock row agrees with its ledger and reservations.

Per store and variant: `on_hand` must equal the sum of its movements' `quantity`, and `reserved`
the sum of its open Reservation rows. The check is one set-based statement (GROUP BY
subqueries joined to the stock rows) that returns only the rows that disagree.

No false alarms from checkouts in flight: a reservation changes StockLevel.reserved and inserts
its Reservation rows and movement in one transaction, so the check reads everything from one
snapshot (REPEATABLE READ on PostgreSQL, a single statement elsewhere). Each candidate is then
re-checked under a row lock on its stock row, in primary-key order, before anything is recorded
or repaired: a transaction that still holds the row must finish first.

Repair: reserved drift is set to the reservations' sum, with a movement carrying the reserved
change and a note. On-hand drift is only reported, for a manager to investigate; it is never
overwritten, since the ledger or the shelf may be the wrong one.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction

from core.texts import text_fields

from .models import (
    FindingKind,
    MovementKind,
    Reservation,
    StockLevel,
    StockMovement,
)
from .texts import STOCK_MOVEMENT_TEXTS

BATCH = 1000


@dataclass(frozen=True)
class Drift:
    level_id: int
    store_id: int
    variant_id: int
    on_hand: int
    movements: int
    reserved: int
    reservations: int

    @property
    def kinds(self) -> list[str]:
        kinds = []
        if self.on_hand != self.movements:
            kinds.append(FindingKind.ON_HAND)
        if self.reserved != self.reservations:
            kinds.append(FindingKind.RESERVED)
        return kinds


def _sql(template: str, **placeholders: str) -> str:
    """A statement whose {names} are our own table names (and %s placeholders), never input."""
    return template.format(
        level=StockLevel._meta.db_table,
        movement=StockMovement._meta.db_table,
        reservation=Reservation._meta.db_table,
        **placeholders,
    )


# Restricts the sums to the (store, variant) pairs of some stock rows.
PAIRS = (
    "WHERE (store_id, variant_id) IN (SELECT store_id, variant_id FROM {level} WHERE id IN ({ids}))"
)

DRIFT_QUERY = """
SELECT l.id, l.store_id, l.variant_id, l.on_hand, COALESCE(m.units, 0), l.reserved,
       COALESCE(r.units, 0)
FROM {level} l
LEFT JOIN (SELECT store_id, variant_id, SUM(quantity) AS units FROM {movement}
           {movement_filter} GROUP BY store_id, variant_id) m
       ON m.store_id = l.store_id AND m.variant_id = l.variant_id
LEFT JOIN (SELECT store_id, variant_id, SUM(quantity) AS units FROM {reservation}
           {reservation_filter} GROUP BY store_id, variant_id) r
       ON r.store_id = l.store_id AND r.variant_id = l.variant_id
WHERE (l.on_hand <> COALESCE(m.units, 0) OR l.reserved <> COALESCE(r.units, 0)) {level_filter}
ORDER BY l.id
"""


def _placeholders(ids: list[int]) -> str:
    return ", ".join(["%s"] * len(ids))


def _drift(cursor, *, store_ids: list[int] | None = None, level_ids: list[int] | None = None):
    """Rows that disagree among the given stores, or the given stock rows (all when both None).

    For stock rows the sums are restricted to their (store, variant) pairs, which the ledger's
    and the reservations' (store, variant) indexes serve directly. (The filters hold {names}
    themselves, hence the second `_sql` pass.)
    """
    if level_ids is not None:
        query = _sql(
            DRIFT_QUERY,
            movement_filter=PAIRS,
            reservation_filter=PAIRS,
            level_filter="AND l.id IN ({ids})",
        )
        cursor.execute(_sql(query, ids=_placeholders(level_ids)), level_ids * 3)
    elif store_ids is not None:
        if not store_ids:
            return []
        stores = "store_id IN ({ids})"
        query = _sql(
            DRIFT_QUERY,
            movement_filter="WHERE " + stores,
            reservation_filter="WHERE " + stores,
            level_filter="AND l." + stores,
        )
        cursor.execute(_sql(query, ids=_placeholders(store_ids)), store_ids * 3)
    else:
        cursor.execute(
            _sql(DRIFT_QUERY, movement_filter="", reservation_filter="", level_filter="")
        )
    return [Drift(*row) for row in cursor.fetchall()]


def drift_candidates(store_ids: Iterable[int] | None = None) -> tuple[int, list[Drift]]:
    """(rows checked, rows that disagree), read from one consistent snapshot."""
    store_ids = None if store_ids is None else list(store_ids)
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # The count and the drift query see one snapshot. (Inside a caller's transaction the
            # drift query alone is still one statement, hence one snapshot.)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        levels = StockLevel.objects.all()
        if store_ids is not None:
            levels = levels.filter(store_id__in=store_ids)
        checked = levels.count()
        with connection.cursor() as cursor:
            return checked, _drift(cursor, store_ids=store_ids)


def drift_confirm(level_ids: list[int]) -> list[Drift]:
    """Lock the candidates' stock rows in primary-key order and check them again.

    Must run inside a transaction; the locks are kept until it ends, so a repair written in the
    same transaction cannot race a checkout.
    """
    confirmed = []
    for start in range(0, len(level_ids), BATCH):
        chunk = sorted(level_ids[start : start + BATCH])
        list(
            StockLevel.objects.select_for_update()
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        with connection.cursor() as cursor:
            confirmed += _drift(cursor, level_ids=chunk)
    return confirmed


def reserved_repair(drifts: Iterable[Drift], *, run_id: int) -> list[StockMovement]:
    """Set reserved to the open reservations' sum on locked rows; one movement per row."""
    movements = []
    levels = []
    for drift in drifts:
        if drift.reserved == drift.reservations:
            continue
        if drift.reservations > drift.on_hand:
            continue  # cannot hold under the CHECK constraint: left to a manager, not repaired
        levels.append((drift.level_id, drift.reservations))
        movements.append(
            StockMovement(
                store_id=drift.store_id,
                variant_id=drift.variant_id,
                kind=MovementKind.PICKUP_RELEASED
                if drift.reservations < drift.reserved
                else MovementKind.PICKUP_RESERVED,
                reserved_delta=drift.reservations - drift.reserved,
                reference=f"reconciliation-{run_id}",
                **text_fields(
                    StockMovement,
                    STOCK_MOVEMENT_TEXTS.make(
                        "reconciliation", was=drift.reserved, now=drift.reservations
                    ),
                ),
            )
        )
    with connection.cursor() as cursor:
        for start in range(0, len(levels), BATCH):
            chunk = levels[start : start + BATCH]
            cursor.execute(
                _sql(
                    "UPDATE {level} SET reserved = v.column2 FROM (VALUES {rows}) AS v"
                    " WHERE {level}.id = v.column1",
                    rows=", ".join(["(%s, %s)"] * len(chunk)),
                ),
                [value for pair in chunk for value in pair],
            )
    return StockMovement.objects.bulk_create(movements, batch_size=BATCH)
