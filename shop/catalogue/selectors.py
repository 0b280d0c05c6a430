"""Reads of the catalogue that more than one caller needs: the price history."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from shop.catalogue.models import PriceChange, Variant

REFERENCE_DAYS = 30


def lowest_price_before(
    *, variant: Variant, start: dt.datetime, days: int = REFERENCE_DAYS
) -> Decimal | None:
    """The lowest price the variant was sold at in the `days` days before `start` (§ 11 PAngV),
    from its price history; None when it has no history before `start`.

    The history holds the variant's settings (price and sale with its period) from each change
    on; the price is piecewise constant between changes and sale boundaries, so the lowest price
    is found among the window's start and those instants. The settings of the first entry count
    as the price before it (prices set before the history began).
    """
    rows = list(
        PriceChange.objects.filter(variant=variant, changed_at__lt=start).order_by(
            "changed_at", "id"
        )
    )
    return lowest_price_in(rows, start - dt.timedelta(days=days), start)


def lowest_price_in(
    rows: Sequence[PriceChange], window_start: dt.datetime, window_end: dt.datetime
) -> Decimal | None:
    """The lowest price charged in [window_start, window_end) by history `rows` (oldest first)."""
    rows = [row for row in rows if row.changed_at < window_end]
    if not rows:
        return None
    instants = {window_start}
    for row in rows:
        for moment in (row.changed_at, row.sale_from, row.sale_until):
            if moment is not None and window_start <= moment < window_end:
                instants.add(moment)

    def settings_at(moment: dt.datetime) -> PriceChange:
        current = rows[0]
        for row in rows:
            if row.changed_at > moment:
                break
            current = row
        return current

    return min(settings_at(moment).price_at(moment) for moment in sorted(instants))
