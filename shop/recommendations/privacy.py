"""What the recommendations hold about a person: the "Für Sie" picks computed from their
purchases. Read for the data export, deleted by the erasure (the nightly run would not make
them again: erased accounts get no picks)."""

from typing import Any

from .models import CustomerPick


def customer_picks_export(*, user_id: int) -> list[dict[str, Any]]:
    """The person's picks as JSON-ready rows, best first (docs/data-export.md)."""
    picks = (
        CustomerPick.objects.filter(customer_id=user_id)
        .select_related("product")
        .order_by("-score", "product_id")
    )
    return [
        {
            "product": pick.product.name,
            "score": pick.score,
            "computed_at": pick.computed_at.isoformat(),
        }
        for pick in picks
    ]


def customer_picks_forget(*, user_id: int) -> int:
    """Delete the person's picks; returns how many there were."""
    deleted, _by_model = CustomerPick.objects.filter(customer_id=user_id).delete()
    return deleted
