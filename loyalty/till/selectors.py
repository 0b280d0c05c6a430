"""Reads of till receipts for the card's history."""

from collections.abc import Iterable

from ..models import PointsEntry, TillReceiptLine


def receipt_lines_attach(entries: Iterable[PointsEntry]) -> list[PointsEntry]:
    """Give each history entry `receipt_lines` (the lines of its till receipt, or []) in one
    query, whatever the number of entries."""
    entries = list(entries)
    lines = (
        TillReceiptLine.objects.filter(receipt__points_entry__in=[e.pk for e in entries])
        .select_related("variant__product", "receipt")
        .order_by("receipt_id", "position")
    )
    by_entry: dict[int, list[TillReceiptLine]] = {}
    for line in lines:
        entry_id = line.receipt.points_entry_id
        if entry_id is not None:
            by_entry.setdefault(entry_id, []).append(line)
    for entry in entries:
        entry.receipt_lines = by_entry.get(entry.pk, [])  # type: ignore[attr-defined]
    return entries
