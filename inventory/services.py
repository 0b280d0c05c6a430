"""Every write to stock. Each function runs in one transaction and writes ledger rows.

Reservations follow DESIGN.md: one conditional UPDATE per stock row, rows in primary-key
order, so concurrent checkouts neither oversell nor deadlock.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import MovementKind, Reservation, StockLevel, StockMovement


@dataclass(frozen=True)
class Shortage:
    variant_id: int
    requested: int
    available: int


class StockError(Exception):
    """A stock change that cannot be made; the message is meant for a person."""


class InsufficientStock(StockError):
    def __init__(self, shortages: list[Shortage]):
        self.shortages = shortages
        super().__init__(_("Not enough stock for %(count)d item(s).") % {"count": len(shortages)})


class _NotEnough(Exception):
    pass


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


def stock_reserve(
    *, store_id: int, reference: str, quantities: Mapping[int, int], user=None
) -> None:
    """Reserve `quantities` ({variant_id: units}) at a store for `reference`, all or nothing.

    Raises InsufficientStock listing every short variant; then nothing is reserved.
    """
    quantities = _validate_quantities(quantities)
    try:
        with transaction.atomic():
            levels = list(
                StockLevel.objects.filter(store_id=store_id, variant_id__in=quantities)
                .order_by("pk")
                .values_list("pk", "variant_id")
            )
            if len(levels) != len(quantities):
                raise _NotEnough
            now = timezone.now()
            for pk, variant_id in levels:
                wanted = quantities[variant_id]
                updated = StockLevel.objects.filter(
                    pk=pk, on_hand__gte=F("reserved") + F("safety_buffer") + wanted
                ).update(reserved=F("reserved") + wanted, updated_at=now)
                if not updated:
                    raise _NotEnough
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
    except _NotEnough:
        raise InsufficientStock(_shortages(store_id, quantities)) from None


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
    user=None,
    only_variant: int | None = None,
    units: int | None = None,
    note: str = "",
) -> int:
    """Reduce the open reservations of `reference`; with `take_from_shelf`, on_hand too.

    `units` limits the reduction to that many units of `only_variant`. Returns units settled.
    """
    reservations = Reservation.objects.select_for_update().filter(reference=reference)
    if only_variant is not None:
        reservations = reservations.filter(variant_id=only_variant)
    reservations = list(reservations.order_by("pk"))
    if not reservations:
        return 0
    store_id = reservations[0].store_id
    level_pks = dict(
        StockLevel.objects.filter(
            store_id=store_id, variant_id__in=[r.variant_id for r in reservations]
        ).values_list("variant_id", "pk")
    )
    now = timezone.now()
    settled = 0
    movements = []
    for reservation in sorted(reservations, key=lambda r: level_pks[r.variant_id]):
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
                note=note,
            )
        )
        settled += quantity
    StockMovement.objects.bulk_create(movements)
    return settled


@transaction.atomic
def stock_release(*, reference: str, user=None, note: str = "") -> int:
    """Give back every unit still reserved for `reference` (cancel, expiry)."""
    return _settle(
        reference, kind=MovementKind.PICKUP_RELEASED, take_from_shelf=False, user=user, note=note
    )


@transaction.atomic
def stock_collect(*, reference: str, user=None) -> int:
    """The goods leave the store: reserved −= q and on_hand −= q for every open reservation."""
    return _settle(reference, kind=MovementKind.PICKUP_COLLECTED, take_from_shelf=True, user=user)


@transaction.atomic
def stock_mark_short(*, reference: str, variant_id: int, units: int, user=None) -> int:
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
        note=_("Not found at picking"),
    )


@transaction.atomic
def stock_receive(
    *,
    store_id: int,
    variant_id: int,
    quantity: int,
    user=None,
    reference: str = "",
    note: str = "",
    kind: str = MovementKind.RECEIPT,
    external_id: str = "",
) -> StockMovement:
    """Goods come into a store (delivery, return restock): on_hand += quantity."""
    if quantity <= 0:
        raise StockError(_("A received quantity must be positive."))
    level = _level(store_id, variant_id)
    StockLevel.objects.filter(pk=level.pk).update(
        on_hand=F("on_hand") + quantity, updated_at=timezone.now()
    )
    return StockMovement.objects.create(
        store_id=store_id,
        variant_id=variant_id,
        kind=kind,
        quantity=quantity,
        reference=reference,
        note=note,
        created_by=user,
        external_id=external_id,
    )


@transaction.atomic
def stock_receive_damaged(
    *, store_id: int, variant_id: int, quantity: int, user=None, reference: str = "", note: str = ""
) -> tuple[StockMovement, StockMovement]:
    """A returned item that cannot be sold again: received, then written off at once.

    Two movements (RETURN_RESTOCK +q, WRITE_OFF −q) so the ledger shows both what came back and
    what was lost; on_hand ends where it started, and the item is never available in between.
    """
    receipt = stock_receive(
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
        note=note or _("Returned damaged"),
        created_by=user,
    )
    return receipt, write_off
