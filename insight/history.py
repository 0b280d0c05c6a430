"""The online order's lines in the card's history (the hook `loyalty.till.selectors`)."""

from collections.abc import Sequence

from loyalty.models import PointsEntry
from loyalty.till.selectors import HistoryLine
from shop.orders.models import OrderLine

PREFIX = "order:"


def order_lines_for_entries(entries: Sequence[PointsEntry]) -> dict[int, list[HistoryLine]]:
    """{entry id: the lines of the order it was earned on}, in one query."""
    numbers = {
        e.source[len(PREFIX) :]: e.pk
        for e in entries
        if e.kind == "earn" and e.source.startswith(PREFIX)
    }
    if not numbers:
        return {}
    found: dict[int, list[HistoryLine]] = {}
    lines = OrderLine.objects.filter(order__number__in=list(numbers)).order_by("order_id", "pk")
    for line in lines.values_list(
        "order__number", "quantity", "quantity_short", "product_name", "variant_label", "unit_price"
    ):
        number, quantity, short, name, label, price = line
        kept = quantity - short
        if kept > 0:
            found.setdefault(numbers[number], []).append(
                HistoryLine(quantity=kept, name=name, detail=label, amount=price * kept)
            )
    return found
