"""Stock-integrity notifications (issue 7): called by `inventory.notify` inside the transaction
that records the problem, so the outbox rows exist exactly when the findings or shortfalls do.

- `stock_drift_found`: a reconciliation run found drift at a store; one message per store and
  run (its subject is the store's first finding of the run) to the store's managers.
- `stock_shortfall`: a pickup order lost reserved units to the shelf; one message per shortfall
  to the managers of its store,
- and `order_stock_shortfall` to the order's shopper (while the order is still open), so they
  know before they come to the counter.
"""

from django.db.models import Min

from shop.orders.models import Order
from stores.notifications import manager_recipients
from stores.selectors import store_managers

from .models import Notification
from .services import Recipient, notify


def notify_drift_found(run) -> list[Notification]:
    """Tell each store's managers about the findings of `run` at their store."""
    first_ids = (
        run.findings.order_by()
        .values("store_id")
        .annotate(first=Min("pk"))
        .values_list("first", flat=True)
    )
    firsts = list(run.findings.filter(pk__in=list(first_ids)).select_related("store", "run"))
    managers = store_managers([finding.store_id for finding in firsts])
    created: list[Notification] = []
    for finding in firsts:
        created += notify(
            kind="stock_drift_found",
            subject=finding,
            recipients=manager_recipients(finding.store, managers[finding.store_id]),
        )
    return created


def notify_shortfalls(shortfalls) -> list[Notification]:
    """Tell the managers of each affected store which orders lost units."""
    shortfalls = list(shortfalls)
    managers = store_managers({shortfall.store_id for shortfall in shortfalls})
    created: list[Notification] = []
    orders = {
        order.number: order
        for order in Order.objects.open()
        .filter(number__in={shortfall.reference for shortfall in shortfalls})
        .select_related("customer")
    }
    for shortfall in shortfalls:
        created += notify(
            kind="stock_shortfall",
            subject=shortfall,
            recipients=manager_recipients(shortfall.store, managers[shortfall.store_id]),
        )
        order = orders.get(shortfall.reference)
        if order is not None:
            created += notify(
                kind="order_stock_shortfall",
                subject=shortfall,
                recipients=[
                    Recipient(user=order.customer, email=order.email, language=order.language)
                ],
            )
    return created
