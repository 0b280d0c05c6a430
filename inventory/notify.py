"""Who must hear about stock problems, and the hook through which they are told.

The notifications app (built on its own branch) sends the messages. Until it is wired in here,
the hook writes one log line per store naming the managers to tell; it sends nothing itself.
"""

import logging

from stores.models import StaffMembership, StaffRole

from .models import ReconciliationFinding, StockShortfall

logger = logging.getLogger(__name__)


def findings_recipients(run_id: int) -> dict[int, list[str]]:
    """{store_id: [manager e-mail, …]} for every store with findings in the run, in two queries."""
    store_ids = set(
        ReconciliationFinding.objects.filter(run_id=run_id).values_list("store_id", flat=True)
    )
    recipients: dict[int, list[str]] = {store_id: [] for store_id in store_ids}
    for store_id, email in StaffMembership.objects.filter(
        store_id__in=store_ids, role=StaffRole.MANAGER
    ).values_list("store_id", "user__email"):
        recipients[store_id].append(email)
    return recipients


def reconciliation_findings_recorded(run_id: int) -> None:
    """Hook, called after commit when a reconciliation run recorded findings.

    Wire the notifications service here (one message per store to `findings_recipients`, linking
    to the admin's findings list filtered by run and store).
    """
    for store_id, emails in findings_recipients(run_id).items():
        logger.warning(
            "Stock reconciliation run %s found drift at store %s; managers to tell: %s",
            run_id,
            store_id,
            ", ".join(emails) or "none",
        )


def shortfalls_recorded(shortfall_ids: list[int]) -> None:
    """Hook, called after commit when pickup orders lost reserved units to the shelf.

    Wire the notifications service here (tell the store's staff, and through the orders app the
    customer, that order `reference` is short of `units_missing` units of the variant).
    """
    for shortfall in StockShortfall.objects.filter(pk__in=shortfall_ids).select_related("store"):
        logger.warning(
            "Pickup order %s at store %s lost %s reserved unit(s) of variant %s (%s)",
            shortfall.reference,
            shortfall.store.code,
            shortfall.units_missing,
            shortfall.variant_id,
            shortfall.cause,
        )
