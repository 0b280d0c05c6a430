"""Every write to stock. Each function runs in one transaction and writes ledger rows.

Reservations follow DESIGN.md: one conditional UPDATE for all lines (on PostgreSQL with the
rows locked in primary-key order first), so concurrent checkouts neither oversell nor deadlock.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.texts import StoredText, text_fields

from . import alerts, notifications, reconciliation
from .errors import InsufficientStock, StockError
from .models import (
    FindingKind,
    MovementKind,
    ReconciliationFinding,
    ReconciliationRun,
    Reservation,
    RunStatus,
    StockLevel,
    StockMovement,
    StockShortfall,
)
from .stock_versions import stock_changed, stocks_changed
from .texts import STOCK_MOVEMENT_TEXTS


@dataclass(frozen=True)
class Shortage:
    variant_id: int
    requested: int
    available: int


def _validate_quantities(quantities: Mapping[int, int]) -> dict[int, int]:
    if not quantities:
        raise StockError(_("Nothing to reserve."))
    for quantity in quantities.values():
        if not isinstance(quantity, int) or quantity <= 0:
            raise StockError(_("Quantities must be positive whole numbers."))
    return dict(quantities)


def _level(store_id: int, variant_id: int) -> StockLevel:
    try:
        level, _created = StockLevel.objects.get_or_create(store_id=store_id, variant_id=variant_id)
    except IntegrityError:  # created by a concurrent transaction in between
        level = StockLevel.objects.get(store_id=store_id, variant_id=variant_id)
    return level


def _available_may_have_risen(store_id: int, variant_ids: Iterable[int]) -> None:
    """The one place where a rise of available units is announced: the back-in-stock alerts of
    the store for these variants are sent (in the caller's transaction, stock rows locked)."""
    alerts.stock_alerts_fire(store_id=store_id, variant_ids=variant_ids)


def stock_reserve(
    *, store_id: int, reference: str, quantities: Mapping[int, int], user: User | None = None
) -> None:
    """Reserve `quantities` ({variant_id: units}) at a store for `reference`, all or nothing.

    Raises InsufficientStock listing every short variant; then nothing is reserved and the
    caller's transaction goes on unharmed (no savepoint: a refusal undoes its own change).
    """
    quantities = _validate_quantities(quantities)
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            reserved = _reserve_and_record(store_id, reference, quantities, user, now)
        else:
            reserved = _reserve_rows(store_id, quantities, now)
            if len(reserved) == len(quantities):
                _record_reservation(store_id, reference, quantities, user)
        complete = len(reserved) == len(quantities)
        if complete:
            stock_changed(store_id=store_id, variant_ids=quantities)
        elif reserved:
            # Some rows had enough, others not: give those units back. The rows stay locked
            # by this transaction, so nobody saw them reserved.
            StockLevel.objects.filter(store_id=store_id, variant_id__in=reserved).update(
                reserved=F("reserved")
                - Case(*(When(variant_id=v, then=Value(quantities[v])) for v in reserved)),
                updated_at=now,
            )
    if not complete:
        raise InsufficientStock(_shortages(store_id, quantities))


def _wanted(quantities: Mapping[int, int]) -> tuple[str, dict[str, int]]:
    """The lines as a common table expression `wanted (variant_id, quantity)`, and its
    parameters."""
    rows = ", ".join(f"(%(v{i})s, %(q{i})s)" for i in range(len(quantities)))
    params: dict[str, int] = {}
    for i, (variant_id, quantity) in enumerate(quantities.items()):
        params[f"v{i}"], params[f"q{i}"] = variant_id, quantity
    return f"wanted (variant_id, quantity) AS (VALUES {rows})", params


def _reserve_rows(store_id: int, quantities: Mapping[int, int], now: datetime) -> list[int]:
    """One guarded UPDATE … FROM for all lines; returns the variants whose row had enough.
    (SQLite: one writer holds the whole database, so no lock order to keep.)"""
    level = StockLevel._meta.db_table
    wanted, params = _wanted(quantities)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {wanted} UPDATE {level} "  # noqa: S608 - our table name and placeholders only
            "SET reserved = reserved + wanted.quantity, updated_at = %(now)s FROM wanted "
            f"WHERE {level}.store_id = %(store)s AND {level}.variant_id = wanted.variant_id "
            "AND on_hand - reserved - safety_buffer >= wanted.quantity "
            f"RETURNING {level}.variant_id",
            {**params, "now": connection.ops.adapt_datetimefield_value(now), "store": store_id},
        )
        return [variant_id for (variant_id,) in cursor.fetchall()]


def _record_reservation(
    store_id: int, reference: str, quantities: Mapping[int, int], user: User | None
) -> None:
    Reservation.objects.bulk_create(
        Reservation(store_id=store_id, variant_id=v, reference=reference, quantity=q)
        for v, q in quantities.items()
    )
    StockMovement.objects.bulk_create(
        StockMovement(
            store_id=store_id,
            variant_id=v,
            kind=MovementKind.PICKUP_RESERVED,
            reserved_delta=q,
            reference=reference,
            created_by=user,
        )
        for v, q in quantities.items()
    )


def _reserve_and_record(
    store_id: int,
    reference: str,
    quantities: Mapping[int, int],
    user: User | None,
    now: datetime,
) -> list[int]:
    """PostgreSQL: `_reserve_rows` and `_record_reservation` in one statement. It locks the rows
    in primary-key order first (the lock order of every stock writer, so no deadlock); under
    READ COMMITTED the UPDATE checks each guard again on the newest version of a row it had to
    wait for, so no race oversells. The reservations and ledger rows (the columns of
    `_record_reservation`) are written only when every line was reserved."""
    wanted, params = _wanted(quantities)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH {wanted},
            locked AS MATERIALIZED (
                SELECT id FROM inventory_stocklevel
                WHERE store_id = %(store)s AND variant_id IN (SELECT variant_id FROM wanted)
                ORDER BY id FOR UPDATE
            ),
            reserved AS (
                UPDATE inventory_stocklevel AS s
                SET reserved = s.reserved + wanted.quantity, updated_at = %(now)s
                FROM locked, wanted
                WHERE s.id = locked.id AND s.variant_id = wanted.variant_id
                  AND s.on_hand - s.reserved - s.safety_buffer >= wanted.quantity
                RETURNING s.variant_id, wanted.quantity
            ),
            complete AS (
                SELECT * FROM reserved WHERE (SELECT count(*) FROM reserved) = %(lines)s
            ),
            reservations AS (
                INSERT INTO inventory_reservation
                    (store_id, variant_id, reference, quantity, created_at)
                SELECT %(store)s, variant_id, %(reference)s::varchar, quantity, %(now)s
                FROM complete
            ),
            movements AS (
                INSERT INTO inventory_stockmovement
                    (store_id, variant_id, kind, quantity, reserved_delta, reference,
                     external_id, note, note_code, note_params, occurred_at, created_by_id,
                     created_at)
                SELECT %(store)s, variant_id, %(kind)s::varchar, 0, quantity,
                    %(reference)s::varchar, '', '', '', NULL::jsonb, NULL::timestamptz,
                    %(user)s::bigint, %(now)s
                FROM complete
            )
            SELECT variant_id FROM reserved
            """,  # noqa: S608 - only placeholders are put in
            {
                **params,
                "store": store_id,
                "now": now,
                "lines": len(quantities),
                "reference": reference,
                "kind": MovementKind.PICKUP_RESERVED.value,
                "user": user.pk if user is not None else None,
            },
        )
        return [variant_id for (variant_id,) in cursor.fetchall()]


def _shortages(store_id: int, quantities: Mapping[int, int]) -> list[Shortage]:
    from .selectors import availability_at_store

    available = availability_at_store(store_id, quantities)
    return [
        Shortage(variant_id=v, requested=q, available=available.get(v, 0))
        for v, q in quantities.items()
        if available.get(v, 0) < q
    ] or [
        Shortage(variant_id=v, requested=q, available=available.get(v, 0))
        for v, q in quantities.items()
    ]


def _settle(
    reference: str,
    *,
    kind: str,
    take_from_shelf: bool,
    user: User | None = None,
    only_variant: int | None = None,
    units: int | None = None,
    note: str | StoredText = "",
) -> int:
    """Reduce the open reservations of `reference`; with `take_from_shelf`, on_hand too.

    `units` limits the reduction to that many units of `only_variant`. Returns units settled.
    """
    reservations = Reservation.objects.filter(reference=reference)
    if only_variant is not None:
        reservations = reservations.filter(variant_id=only_variant)
    keys = list(reservations.values_list("store_id", "variant_id"))
    if not keys:
        return 0
    store_id = keys[0][0]
    # Stock rows first, in primary-key order, then the reservations: the one lock order that
    # every stock writer follows (reserve, settle, feeds, counts, reconciliation).
    level_pks = dict(
        StockLevel.objects.select_for_update()
        .filter(store_id=store_id, variant_id__in=[v for _s, v in keys])
        .order_by("pk")
        .values_list("variant_id", "pk")
    )
    locked = list(reservations.select_for_update().order_by("pk"))
    now = timezone.now()
    settled = 0
    movements = []
    for reservation in sorted(locked, key=lambda r: level_pks[r.variant_id]):
        quantity = reservation.quantity if units is None else min(units, reservation.quantity)
        if quantity <= 0:
            continue
        change = {"reserved": F("reserved") - quantity, "updated_at": now}
        if take_from_shelf:
            change["on_hand"] = F("on_hand") - quantity
        StockLevel.objects.filter(pk=level_pks[reservation.variant_id]).update(**change)
        if quantity == reservation.quantity:
            reservation.delete()
        else:
            reservation.quantity -= quantity
            reservation.save(update_fields=["quantity"])
        movements.append(
            StockMovement(
                store_id=store_id,
                variant_id=reservation.variant_id,
                kind=kind,
                quantity=-quantity if take_from_shelf else 0,
                reserved_delta=-quantity,
                reference=reference,
                created_by=user,
                **text_fields(StockMovement, note),
            )
        )
        settled += quantity
    StockMovement.objects.bulk_create(movements)
    if movements:
        stock_changed(store_id=store_id, variant_ids=[m.variant_id for m in movements])
    if not take_from_shelf and movements:
        _available_may_have_risen(store_id, [m.variant_id for m in movements])
    return settled


@transaction.atomic
def stock_release(*, reference: str, user: User | None = None, note: str | StoredText = "") -> int:
    """Give back every unit still reserved for `reference` (cancel, expiry)."""
    return _settle(
        reference, kind=MovementKind.PICKUP_RELEASED, take_from_shelf=False, user=user, note=note
    )


@transaction.atomic
def stock_collect(*, reference: str, user: User | None = None) -> int:
    """The goods leave the store: reserved −= q and on_hand −= q for every open reservation."""
    return _settle(reference, kind=MovementKind.PICKUP_COLLECTED, take_from_shelf=True, user=user)


@transaction.atomic
def stock_mark_short(
    *, reference: str, variant_id: int, units: int, user: User | None = None
) -> int:
    """Units not found at picking: the reservation shrinks and on_hand is corrected by a count adjustment."""
    if units <= 0:
        raise StockError(_("The number of missing units must be positive."))
    return _settle(
        reference,
        kind=MovementKind.COUNT_ADJUSTMENT,
        take_from_shelf=True,
        user=user,
        only_variant=variant_id,
        units=units,
        note=STOCK_MOVEMENT_TEXTS.make("not_found_at_picking"),
    )


def _receive(
    *,
    store_id: int,
    variant_id: int,
    quantity: int,
    user: User | None,
    reference: str,
    note: str | StoredText,
    kind: str,
    external_id: str = "",
) -> StockMovement:
    if quantity <= 0:
        raise StockError(_("A received quantity must be positive."))
    level = _level(store_id, variant_id)
    StockLevel.objects.filter(pk=level.pk).update(
        on_hand=F("on_hand") + quantity, updated_at=timezone.now()
    )
    stock_changed(store_id=store_id, variant_ids=[variant_id])
    return StockMovement.objects.create(
        store_id=store_id,
        variant_id=variant_id,
        kind=kind,
        quantity=quantity,
        reference=reference,
        **text_fields(StockMovement, note),
        created_by=user,
        external_id=external_id,
    )


@transaction.atomic
def stock_receive(
    *,
    store_id: int,
    variant_id: int,
    quantity: int,
    user: User | None = None,
    reference: str = "",
    note: str | StoredText = "",
    kind: str = MovementKind.RECEIPT,
    external_id: str = "",
) -> StockMovement:
    """Goods come into a store (delivery, return restock): on_hand += quantity."""
    movement = _receive(
        store_id=store_id,
        variant_id=variant_id,
        quantity=quantity,
        user=user,
        reference=reference,
        note=note,
        kind=kind,
        external_id=external_id,
    )
    _available_may_have_risen(store_id, [variant_id])
    return movement


@transaction.atomic
def stock_receive_damaged(
    *,
    store_id: int,
    variant_id: int,
    quantity: int,
    user: User | None = None,
    reference: str = "",
    note: str | StoredText = "",
) -> tuple[StockMovement, StockMovement]:
    """A returned item that cannot be sold again: received, then written off at once.

    Two movements (RETURN_RESTOCK +q, WRITE_OFF −q) so the ledger shows both what came back and
    what was lost; on_hand ends where it started, and the item is never available in between.
    """
    receipt = _receive(
        store_id=store_id,
        variant_id=variant_id,
        quantity=quantity,
        user=user,
        reference=reference,
        note=note,
        kind=MovementKind.RETURN_RESTOCK,
    )
    StockLevel.objects.filter(store_id=store_id, variant_id=variant_id).update(
        on_hand=F("on_hand") - quantity, updated_at=timezone.now()
    )
    write_off = StockMovement.objects.create(
        store_id=store_id,
        variant_id=variant_id,
        kind=MovementKind.WRITE_OFF,
        quantity=-quantity,
        reference=reference,
        **text_fields(StockMovement, note or STOCK_MOVEMENT_TEXTS.make("returned_damaged")),
        created_by=user,
    )
    return receipt, write_off


# --- Shelf corrections: till sales, receipts, write-offs, counts and snapshots ----------------


@dataclass(frozen=True)
class Delta:
    """One on-hand change at one store: a till sale (negative), a receipt, a count variance."""

    variant_id: int
    quantity: int
    kind: str
    external_id: str = ""
    reference: str = ""
    note: str | StoredText = ""
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class Cut:
    """Reserved units a shelf correction took away from one store and variant."""

    store_id: int
    variant_id: int
    units: int
    cause: str


def reservations_cut(*, cuts: Iterable[Cut]) -> list[StockShortfall]:
    """Shrink open reservations by the units the shelf no longer holds, newest order first.

    The caller has already lowered StockLevel.reserved (and locked those stock rows); this keeps
    the Reservation rows equal to it and records a StockShortfall for every pickup order that
    lost units, so that the store can call the customer. The oldest orders keep their goods.
    """
    left: dict[tuple[int, int], int] = {}
    causes: dict[tuple[int, int], str] = {}
    for cut in cuts:
        if cut.units > 0:
            key = (cut.store_id, cut.variant_id)
            left[key] = left.get(key, 0) + cut.units
            causes.setdefault(key, cut.cause)
    if not left:
        return []
    keys = Q()
    for store_id, variant_id in left:
        keys |= Q(store_id=store_id, variant_id=variant_id)
    reservations = Reservation.objects.select_for_update().filter(keys).order_by("-pk")
    shortfalls, deleted, shrunk = [], [], []
    for reservation in reservations:
        key = (reservation.store_id, reservation.variant_id)
        units = min(left[key], reservation.quantity)
        if units <= 0:
            continue
        left[key] -= units
        if units == reservation.quantity:
            deleted.append(reservation.pk)
        else:
            reservation.quantity -= units
            shrunk.append(reservation)
        shortfalls.append(
            StockShortfall(
                store_id=reservation.store_id,
                variant_id=reservation.variant_id,
                reference=reservation.reference,
                units_missing=units,
                cause=causes[key],
            )
        )
    Reservation.objects.filter(pk__in=deleted).delete()
    Reservation.objects.bulk_update(shrunk, ["quantity"])
    shortfalls = StockShortfall.objects.bulk_create(shortfalls)
    if shortfalls:
        notifications.shortfalls_recorded(shortfalls)
    return shortfalls


@dataclass
class DeltasApplied:
    movements: list[StockMovement]
    shortfalls: list[StockShortfall]


def _locked_levels(store_id: int, variant_ids: Iterable[int]) -> dict[int, StockLevel]:
    """Create missing stock rows, then lock them in primary-key order: {variant_id: level}."""
    variant_ids = sorted(set(variant_ids))
    StockLevel.objects.bulk_create(
        [StockLevel(store_id=store_id, variant_id=v) for v in variant_ids], ignore_conflicts=True
    )
    levels = (
        StockLevel.objects.select_for_update()
        .filter(store_id=store_id, variant_id__in=variant_ids)
        .order_by("pk")
    )
    return {level.variant_id: level for level in levels}


def stock_deltas_apply(
    *, store_id: int, deltas: Sequence[Delta], user: User | None = None
) -> DeltasApplied:
    """Book on-hand changes at one store in a fixed number of queries, whatever their number.

    The shelf is the truth: a change is applied even when it takes on_hand below the units
    reserved for pickup orders. Then the newest reservations are cut so that reserved <= on_hand
    holds, the reserved change is written on the movement that caused it, and each affected order
    gets a StockShortfall. A sale of more units than the system holds books the sale and a count
    adjustment that brings on_hand back to 0 (the system was wrong, not the till).
    """
    with transaction.atomic():
        levels = _locked_levels(store_id, [d.variant_id for d in deltas])
        now = timezone.now()
        movements, cuts = [], []
        for delta in deltas:
            level = levels[delta.variant_id]
            level.on_hand += delta.quantity
            movement = StockMovement(
                store_id=store_id,
                variant_id=delta.variant_id,
                kind=delta.kind,
                quantity=delta.quantity,
                reference=delta.reference,
                external_id=delta.external_id,
                **text_fields(StockMovement, delta.note),
                occurred_at=delta.occurred_at,
                created_by=user,
            )
            movements.append(movement)
            if level.on_hand < 0:
                movements.append(
                    StockMovement(
                        store_id=store_id,
                        variant_id=delta.variant_id,
                        kind=MovementKind.COUNT_ADJUSTMENT,
                        quantity=-level.on_hand,
                        reference=delta.reference or delta.external_id,
                        **text_fields(StockMovement, STOCK_MOVEMENT_TEXTS.make("shelf_overdrawn")),
                        created_by=user,
                    )
                )
                level.on_hand = 0
            if level.reserved > level.on_hand:
                cut = level.reserved - level.on_hand
                level.reserved = level.on_hand
                movement.reserved_delta = -cut
                cuts.append(Cut(store_id, delta.variant_id, cut, delta.kind))
        for level in levels.values():
            level.updated_at = now
        StockLevel.objects.bulk_update(list(levels.values()), ["on_hand", "reserved", "updated_at"])
        stock_changed(store_id=store_id, variant_ids=levels)
        shortfalls = reservations_cut(cuts=cuts)
        StockMovement.objects.bulk_create(movements)
        _available_may_have_risen(store_id, [d.variant_id for d in deltas if d.quantity > 0])
    return DeltasApplied(movements=movements, shortfalls=shortfalls)


# --- Reconciliation ------------------------------------------------------------------------


def stock_reconcile(
    *, user: User | None = None, store_ids: Iterable[int] | None = None
) -> ReconciliationRun:
    """Check every stock row (of `store_ids`, default all) against its ledger and reservations.

    Stores the run and its findings; repairs reserved drift, reports on-hand drift. See
    `inventory.reconciliation` for how checkouts in flight are kept from looking like drift.
    """
    store_ids = None if store_ids is None else sorted(set(store_ids))
    run = ReconciliationRun.objects.create(triggered_by=user)
    if store_ids is not None:
        run.stores.set(store_ids)
    try:
        checked, candidates = reconciliation.drift_candidates(store_ids)
        with transaction.atomic():
            confirmed = reconciliation.drift_confirm([c.level_id for c in candidates])
            repaired = reconciliation.reserved_repair(confirmed, run_id=run.pk)
            repaired_keys = {(m.store_id, m.variant_id) for m in repaired}
            stocks_changed(
                store_ids={s for s, _v in repaired_keys}, variant_ids={v for _s, v in repaired_keys}
            )
            released: dict[int, list[int]] = {}
            for movement in repaired:
                if movement.reserved_delta < 0:
                    released.setdefault(movement.store_id, []).append(movement.variant_id)
            for released_store, released_variants in sorted(released.items()):
                _available_may_have_risen(released_store, released_variants)
            findings = [
                ReconciliationFinding(
                    run=run,
                    store_id=drift.store_id,
                    variant_id=drift.variant_id,
                    kind=kind,
                    expected=drift.movements if kind == FindingKind.ON_HAND else drift.reservations,
                    actual=drift.on_hand if kind == FindingKind.ON_HAND else drift.reserved,
                    repaired=kind == FindingKind.RESERVED
                    and (drift.store_id, drift.variant_id) in repaired_keys,
                )
                for drift in confirmed
                for kind in drift.kinds
            ]
            ReconciliationFinding.objects.bulk_create(findings, batch_size=1000)
            run.levels_checked = checked
            run.findings_count = len(findings)
            run.repaired_count = len(repaired)
            run.status = RunStatus.DRIFT if findings else RunStatus.CLEAN
            run.finished_at = timezone.now()
            run.save()
            if findings:
                notifications.reconciliation_findings_recorded(run)
    except Exception as error:
        ReconciliationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=repr(error)[:2000], finished_at=timezone.now()
        )
        raise
    return run


@transaction.atomic
def stock_shortfalls_resolve(*, shortfall_ids: Iterable[int], user: User) -> int:
    """Mark shortfalls as dealt with (the customer was told, the order adjusted). Returns count."""
    return StockShortfall.objects.filter(pk__in=list(shortfall_ids), resolved=False).update(
        resolved=True, resolved_by=user, resolved_at=timezone.now()
    )
