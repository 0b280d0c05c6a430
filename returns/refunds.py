"""Refund arithmetic: what a returned unit is worth, to the cent, with totals that add up.

Two allocations, both exact:

1. The order's loyalty discount is spread over its lines in proportion to what each line
   cost, rounded down to the cent; the cents left over go to the lines with the largest
   remainders (ties: earlier line first). The shares add up to the discount.
2. A line's net price (line total minus its share) is spread over its units cumulatively:
   the first k units of a line are worth ⌊net × k / n⌋ cents. A return of q units after r
   were already returned refunds cum(r + q) − cum(r), so when every unit has come back the
   refunds add up to exactly what was paid for the line, however the units were split.
"""

from decimal import ROUND_FLOOR, Decimal

from core.vat import allocate_cents as allocate

CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> int:
    return int((amount / CENT).to_integral_value(rounding=ROUND_FLOOR))


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) * CENT).quantize(CENT)


def line_net_cents(order, lines) -> dict[int, int]:
    """{order_line_id: cents actually paid for the line} after the offer and loyalty discounts."""
    totals = [to_cents(line.unit_price) * line.quantity_to_collect for line in lines]
    discount = min(to_cents(order.price_reduction), sum(totals))
    shares = allocate(discount, totals)
    return {
        line.pk: total - share for line, total, share in zip(lines, totals, shares, strict=True)
    }


def units_value_cents(net_cents: int, units: int, already: int, quantity: int) -> int:
    """Cents refunded for `units` of a line of `quantity` units when `already` came back before."""
    if quantity <= 0:
        return 0
    return net_cents * (already + units) // quantity - net_cents * already // quantity


def points_share(earned: int, value_before: int, value_after: int, paid: int) -> int:
    """Points earned on the goods worth cents value_before..value_after of an order paid `paid`.

    Cumulative like the unit split: when everything is returned, all earned points come back.
    """
    if paid <= 0 or earned <= 0:
        return 0
    return earned * value_after // paid - earned * value_before // paid
