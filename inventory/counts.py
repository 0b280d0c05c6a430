"""Cycle counts: an associate counts variants at their store; large variances wait for a manager.

The rule for reserved units: units reserved for pickup orders but not yet picked are still on the
shelf, so they ARE counted; a count compares with on_hand (not with what is available online).
The rule for time: each line keeps the system's on_hand at the moment it was counted, and applying
books the variance (counted − system at count time) as a count adjustment, never an absolute
overwrite. Till sales made between counting and applying (or approval) are therefore kept.

A line needs approval when its variance is above the threshold in
`settings.STOCK_COUNT_APPROVAL_THRESHOLD` ({"units": 10, "percent": 20}): more than `units` units,
or more than `percent` % of the system's on_hand. A count with such a line waits (submitted) until
a manager of that store (StaffMembership.role "manager") or a superuser approves or rejects it.
"""

from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stores.models import Store
from stores.selectors import is_store_manager, is_store_staff

from .errors import CountError
from .models import CountStatus, MovementKind, StockCount, StockCountLine, StockLevel
from .notifications import count_awaiting_approval
from .services import Delta, stock_deltas_apply
from .texts import STOCK_MOVEMENT_TEXTS


def needs_approval(*, system_on_hand: int, variance: int) -> bool:
    threshold = settings.STOCK_COUNT_APPROVAL_THRESHOLD
    size = abs(variance)
    if size > threshold["units"]:
        return True
    return system_on_hand > 0 and size * 100 > threshold["percent"] * system_on_hand


def _locked(count: StockCount) -> StockCount:
    return StockCount.objects.select_for_update().select_related("store").get(pk=count.pk)


@transaction.atomic
def stock_count_open(*, store: Store, user, note: str = "") -> StockCount:
    if not is_store_staff(user=user, store=store):
        raise CountError(_("You do not work at this store."))
    return StockCount.objects.create(store=store, created_by=user, note=note)


@transaction.atomic
def stock_count_record(*, count: StockCount, user, counted: Mapping[int, int]) -> StockCount:
    """Record counted units ({variant_id: units}) with the system's on_hand at this moment.

    Counting a variant again replaces its line (and its moment).
    """
    count = _locked(count)
    if count.status != CountStatus.OPEN:
        raise CountError(_("This count has been submitted already."))
    if not is_store_staff(user=user, store=count.store):
        raise CountError(_("You do not work at this store."))
    if not counted:
        raise CountError(_("Count at least one item."))
    for units in counted.values():
        if not isinstance(units, int) or isinstance(units, bool) or units < 0:
            raise CountError(_("Counted units must be whole numbers of 0 or more."))
    system = dict(
        StockLevel.objects.filter(store=count.store, variant_id__in=list(counted)).values_list(
            "variant_id", "on_hand"
        )
    )
    lines = []
    for variant_id, units in counted.items():
        on_hand = system.get(variant_id, 0)
        variance = units - on_hand
        lines.append(
            StockCountLine(
                count=count,
                variant_id=variant_id,
                counted=units,
                system_on_hand=on_hand,
                variance=variance,
                needs_approval=needs_approval(system_on_hand=on_hand, variance=variance),
            )
        )
    StockCountLine.objects.bulk_create(
        lines,
        update_conflicts=True,
        unique_fields=["count", "variant"],
        update_fields=["counted", "system_on_hand", "variance", "needs_approval"],
    )
    return count


@transaction.atomic
def stock_count_submit(*, count: StockCount, user) -> StockCount:
    """Finish counting: apply now, or wait for a manager if a variance is above the threshold."""
    count = _locked(count)
    if count.status != CountStatus.OPEN:
        raise CountError(_("This count has been submitted already."))
    if not is_store_staff(user=user, store=count.store):
        raise CountError(_("You do not work at this store."))
    if not count.lines.exists():
        raise CountError(_("Count at least one item."))
    count.submitted_at = timezone.now()
    if count.lines.filter(needs_approval=True).exists():
        count.status = CountStatus.SUBMITTED
        count.save(update_fields=["status", "submitted_at"])
        count_awaiting_approval(count)  # the managers hear, in this transaction
        return count
    return _apply(count, user)


@transaction.atomic
def stock_count_take(
    *, store: Store, user, counted: Mapping[int, int], note: str = ""
) -> StockCount:
    """Open, record and submit a count in one go (desk page, CSV upload)."""
    count = stock_count_open(store=store, user=user, note=note)
    stock_count_record(count=count, user=user, counted=counted)
    return stock_count_submit(count=count, user=user)


@transaction.atomic
def stock_count_approve(*, count: StockCount, user) -> StockCount:
    count = _locked(count)
    if count.status != CountStatus.SUBMITTED:
        raise CountError(_("Only a count waiting for approval can be approved."))
    if not is_store_manager(user=user, store=count.store):
        raise CountError(_("Only a manager of this store can approve a count."))
    count.status, count.decided_by, count.decided_at = CountStatus.APPROVED, user, timezone.now()
    count.save(update_fields=["status", "decided_by", "decided_at"])
    return _apply(count, user)


@transaction.atomic
def stock_count_reject(*, count: StockCount, user) -> StockCount:
    count = _locked(count)
    if count.status != CountStatus.SUBMITTED:
        raise CountError(_("Only a count waiting for approval can be rejected."))
    if not is_store_manager(user=user, store=count.store):
        raise CountError(_("Only a manager of this store can reject a count."))
    count.status, count.decided_by, count.decided_at = CountStatus.REJECTED, user, timezone.now()
    count.save(update_fields=["status", "decided_by", "decided_at"])
    return count


def _apply(count: StockCount, user) -> StockCount:
    """Book each line's variance (counted − system at count time) as a count adjustment."""
    deltas = [
        Delta(
            variant_id=variant_id,
            quantity=variance,
            kind=MovementKind.COUNT_ADJUSTMENT,
            reference=count.reference,
            note=STOCK_MOVEMENT_TEXTS.make("stock_count"),
        )
        for variant_id, variance in count.lines.exclude(variance=0).values_list(
            "variant_id", "variance"
        )
    ]
    if deltas:
        stock_deltas_apply(store_id=count.store_id, deltas=deltas, user=user)
    count.status, count.applied_at = CountStatus.APPLIED, timezone.now()
    count.save(update_fields=["status", "applied_at", "submitted_at"])
    return count
