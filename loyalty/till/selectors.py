"""What was bought, for the card's history: the lines of a till receipt, and (through a hook) the
lines of the online order an entry was earned on."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..models import PointsEntry, PromotionRedemption, TillReceiptLine


@dataclass(frozen=True)
class HistoryLine:
    """One article of a purchase as the history shows it; a negative quantity was returned,
    quantity 0 is the receipt's offer (a coupon or tier offer, its amount negative)."""

    quantity: int
    name: str
    detail: str
    amount: Decimal


# Fillers for entries of other channels: given the entries, {entry id: lines}. An app above
# loyalty (which knows the online orders) registers one in its AppConfig.ready().
LineFinder = Callable[[Sequence[PointsEntry]], dict[int, list[HistoryLine]]]
_FINDERS: list[LineFinder] = []


def history_lines_register(finder: LineFinder) -> None:
    if finder not in _FINDERS:
        _FINDERS.append(finder)


def _variant_detail(colour: str, size: str) -> str:
    return ", ".join(part for part in (colour, size) if part)


def receipt_lines_attach(entries: Iterable[PointsEntry]) -> list[PointsEntry]:
    """Give each history entry `receipt_lines` (what was bought, or []): till receipts in one
    query, then each registered finder (one query each) for the entries still without lines."""
    entries = list(entries)
    lines = (
        TillReceiptLine.objects.filter(receipt__points_entry__in=[e.pk for e in entries])
        .select_related("variant__product", "receipt")
        .order_by("receipt_id", "position")
    )
    by_entry: dict[int, list[HistoryLine]] = {}
    for line in lines:
        entry_id = line.receipt.points_entry_id
        if entry_id is not None:
            by_entry.setdefault(entry_id, []).append(
                HistoryLine(
                    quantity=line.quantity,
                    name=line.variant.product.name,
                    detail=_variant_detail(line.variant.colour, line.variant.size),
                    amount=line.amount,
                )
            )
    discounted = {line.receipt_id for line in lines if line.receipt.offer_discount}
    offers = (
        PromotionRedemption.objects.filter(receipt__in=discounted).select_related(
            "promotion", "receipt"
        )
        if discounted
        else []
    )
    for redemption in offers:
        entry_id = redemption.receipt.points_entry_id if redemption.receipt else None
        if entry_id is not None:  # the discount line under the articles (quantity 0)
            by_entry[entry_id].append(
                HistoryLine(
                    quantity=0,
                    name=redemption.promotion.name,
                    detail=redemption.promotion.code,
                    amount=-redemption.amount,
                )
            )
    for finder in _FINDERS:
        rest = [e for e in entries if e.pk not in by_entry]
        if rest:
            by_entry.update(finder(rest))
    for entry in entries:
        entry.receipt_lines = by_entry.get(entry.pk, [])  # type: ignore[attr-defined]
    return entries
