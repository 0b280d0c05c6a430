"""Who must hear about stock problems: the inventory side of the notifications.

Called inside the transaction that records the problem, so the notifications enter the outbox
exactly when the findings or shortfalls are committed (and are sent once, after commit).
"""

from notifications.stock import notify_drift_found, notify_shortfalls

from .models import ReconciliationRun, StockShortfall


def reconciliation_findings_recorded(run: ReconciliationRun) -> None:
    """A reconciliation run recorded findings: each store's managers hear about theirs."""
    notify_drift_found(run)


def shortfalls_recorded(shortfalls: list[StockShortfall]) -> None:
    """Pickup orders lost reserved units to the shelf: the stores' managers hear about each."""
    notify_shortfalls(shortfalls)
