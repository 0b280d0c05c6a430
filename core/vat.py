"""VAT (Umsatzsteuer) contained in gross prices, to the cent.

Prices are gross. The VAT of a line is worked out once per line and rounded half-up to the cent:
``vat = gross − gross / (1 + rate)``. The VAT per rate of an order, a cart or a refund is the
sum of its lines' VAT, never recomputed from the summed gross (see docs/prices.md).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def vat_of_gross(*, gross: Decimal, rate: Decimal) -> Decimal:
    """The VAT contained in `gross` at `rate` per cent, rounded half-up to the cent."""
    gross = Decimal(gross)
    rate = Decimal(rate)
    if rate == 0 or gross == 0:
        return Decimal("0.00")
    net = gross / (1 + rate / HUNDRED)
    return (gross - net).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class VatAmount:
    """The lines of one rate: their gross sum and the sum of their VAT."""

    rate: Decimal
    gross: Decimal
    vat: Decimal

    @property
    def net(self) -> Decimal:
        return self.gross - self.vat


def vat_breakdown(lines: Iterable[tuple[Decimal, Decimal]]) -> list[VatAmount]:
    """Per rate, highest rate first: (gross, rate) lines summed, VAT rounded per line.

    A rate appears once it has a line, also at 0 %; lines of 0 € are left out.
    """
    gross_by_rate: dict[Decimal, Decimal] = {}
    vat_by_rate: dict[Decimal, Decimal] = {}
    for gross, rate in lines:
        gross = Decimal(gross)
        if gross == 0:
            continue
        rate = Decimal(rate).quantize(CENT)
        gross_by_rate[rate] = gross_by_rate.get(rate, Decimal("0.00")) + gross
        vat_by_rate[rate] = vat_by_rate.get(rate, Decimal("0.00")) + vat_of_gross(
            gross=gross, rate=rate
        )
    return [
        VatAmount(rate=rate, gross=gross_by_rate[rate], vat=vat_by_rate[rate])
        for rate in sorted(gross_by_rate, reverse=True)
    ]


def allocate_cents(total_cents: int, weights: Sequence[int]) -> list[int]:
    """Split `total_cents` in proportion to `weights` by largest remainder (ties: earlier first);
    the shares add up to the total."""
    weight_sum = sum(weights)
    if weight_sum <= 0 or total_cents == 0:
        return [0] * len(weights)
    floors = [total_cents * w // weight_sum for w in weights]
    remainders = [total_cents * w % weight_sum for w in weights]
    left = total_cents - sum(floors)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in by_remainder[:left]:
        floors[i] += 1
    return floors


def discounted_vat_breakdown(
    lines: Sequence[tuple[Decimal, Decimal]], discount: Decimal
) -> list[VatAmount]:
    """Like `vat_breakdown`, after a price reduction on the whole order (loyalty points).

    The discount is spread over the lines in proportion to their gross (`allocate_cents`, the
    same split refunds use), so each line's VAT is that of what is actually paid for it.
    """
    cents = [int((Decimal(gross) / CENT).to_integral_value()) for gross, _rate in lines]
    discount_cents = min(int((Decimal(discount) / CENT).to_integral_value()), sum(cents))
    shares = allocate_cents(discount_cents, cents)
    return vat_breakdown(
        (Decimal(total - share) * CENT, rate)
        for (_gross, rate), total, share in zip(lines, cents, shares, strict=True)
    )
