"""What inventory holds about a person: their back-in-stock alerts (with the address an alert
without login was asked for). Read for the data export, deleted by the erasure."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q

from .models import StockAlert


def _theirs(user_id: int, emails: Sequence[str]) -> Q:
    own = Q(user_id=user_id)
    for email in emails:
        if email:
            own |= Q(user__isnull=True, email__iexact=email)
    return own


def stock_alerts_export(*, user_id: int, emails: Sequence[str]) -> list[dict[str, Any]]:
    """The person's alerts as JSON-ready rows (docs/data-export.md)."""
    alerts = (
        StockAlert.objects.filter(_theirs(user_id, emails))
        .select_related("store", "variant", "variant__product")
        .order_by("created_at", "pk")
    )

    def when(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    return [
        {
            "product": a.variant.product.name,
            "sku": a.variant.sku,
            "store": a.store.name,
            "email": a.email,
            "status": a.status,
            "language": a.language,
            "created_at": when(a.created_at),
            "confirmed_at": when(a.confirmed_at),
            "sent_at": when(a.sent_at),
            "ended_at": when(a.ended_at),
        }
        for a in alerts
    ]


@transaction.atomic
def stock_alerts_forget(*, user_id: int, emails: Sequence[str]) -> int:
    """Delete the person's alerts (any state); returns how many."""
    deleted, _per_model = StockAlert.objects.filter(_theirs(user_id, emails)).delete()
    return deleted
