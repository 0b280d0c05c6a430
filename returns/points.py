"""The loyalty side of a return: what the order earned, taking points back, their value."""

from decimal import Decimal

from django.db.models import Sum

from loyalty.models import EntryKind, PointsEntry
from loyalty.services import points_take_back, points_value


def earned_on_order(order) -> int:
    """Points the order earned when it was collected (ledger source "order:<number>")."""
    total = PointsEntry.objects.filter(
        source=f"order:{order.number}", kind=EntryKind.EARN
    ).aggregate(total=Sum("points"))["total"]
    return total or 0


def take_back(*, user, points: int, source: str, amount: Decimal, store) -> int:
    """Take `points` back for goods worth `amount`; returns the points that could not be."""
    return points_take_back(user=user, points=points, source=source, amount=amount, store=store)


def value(points: int) -> Decimal:
    return points_value(points) if points else Decimal("0.00")
