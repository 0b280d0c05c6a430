from inventory.models import Reservation, StockLevel


def level(store, variant) -> tuple[int, int]:
    """(on_hand, reserved) of one stock row."""
    row = StockLevel.objects.get(store=store, variant=variant)
    return row.on_hand, row.reserved


def reservations(order) -> dict[int, int]:
    return dict(
        Reservation.objects.filter(reference=order.number).values_list("variant_id", "quantity")
    )


def snapshot(order):
    """Everything a refused step must leave unchanged."""
    order.refresh_from_db()
    lines = list(order.lines.values_list("id", "quantity", "quantity_short"))
    levels = list(
        StockLevel.objects.filter(store=order.store)
        .order_by("pk")
        .values_list("pk", "on_hand", "reserved")
    )
    return (
        order.status,
        order.total,
        order.amount_due,
        lines,
        levels,
        reservations(order),
        order.events.count(),
    )


def drop_rescues(order) -> None:
    """The shopper answers every open short-pick rescue of `order` with "leave them out"."""
    from shop.orders.models import RescueChoice, ShortPickRescue
    from shop.orders.services.rescue import order_rescue_choose

    for rescue in ShortPickRescue.objects.filter(order=order, choice=RescueChoice.OPEN):
        order_rescue_choose(rescue=rescue, choice=RescueChoice.DROP, actor=order.customer)
