from inventory.models import StockLevel, StockMovement
from loyalty.models import PointsEntry
from returns.models import LineCondition, ReturnLine
from returns.services import LineInspection


def on_hand(store, variant) -> int:
    row = StockLevel.objects.filter(store=store, variant=variant).first()
    return row.on_hand if row else 0


def points_balance(user) -> int:
    return sum(PointsEntry.objects.filter(account__user=user).values_list("points", flat=True))


def line_of(order, variant):
    return order.lines.get(variant=variant)


def inspect_all(ret, condition=LineCondition.SELLABLE, reason=""):
    return {
        pk: LineInspection(condition=condition, reject_reason=reason)
        for pk in ReturnLine.objects.filter(return_request=ret).values_list("pk", flat=True)
    }


def snapshot(order):
    """Everything a refused return step must leave unchanged."""
    from loyalty.models import StoreCreditEntry
    from returns.models import Refund, ReturnEvent, ReturnRequest

    return (
        list(StockLevel.objects.order_by("pk").values_list("pk", "on_hand", "reserved")),
        StockMovement.objects.count(),
        list(ReturnRequest.objects.order_by("pk").values_list("pk", "status")),
        list(ReturnLine.objects.order_by("pk").values_list("pk", "condition", "refund_amount")),
        Refund.objects.count(),
        ReturnEvent.objects.count(),
        StoreCreditEntry.objects.count(),
        PointsEntry.objects.count(),
    )
