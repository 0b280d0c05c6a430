"""What points are worth and how many may pay an order. Pure functions, no database."""

from decimal import ROUND_FLOOR, Decimal

CENT = Decimal("0.01")
POINTS_PER_EURO_REDEEMED = 100  # 100 points = 1 €
REDEEMABLE_SHARE = Decimal("0.5")  # points pay at most half of an order


def points_value(points: int) -> Decimal:
    """What points are worth in €: 100 points = 1 €."""
    return (Decimal(points) / POINTS_PER_EURO_REDEEMED).quantize(CENT)


def redeemable_max_value(order_total: Decimal) -> Decimal:
    """The most points may pay of an order, in € (half, rounded down to the cent)."""
    return (order_total * REDEEMABLE_SHARE).quantize(CENT, rounding=ROUND_FLOOR)


def redeemable_max_points(order_total: Decimal) -> int:
    return int(redeemable_max_value(order_total) * POINTS_PER_EURO_REDEEMED)
