"""Domain errors of stock. Each message is meant for a person; the code and status are what the
API answers with (core.api.domain_exception_handler)."""

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from core.errors import DomainError


class StockError(DomainError):
    """A stock change that cannot be made; the message is meant for a person."""

    code = "invalid"
    http_status = 400


class InsufficientStock(StockError):
    """Not every variant can be reserved; `shortages` are inventory.services.Shortage rows."""

    code = "insufficient_stock"
    http_status = 409

    def __init__(self, shortages: list[Any]):
        self.shortages = shortages
        super().__init__(_("Not enough stock for %(count)d item(s).") % {"count": len(shortages)})


class CountError(StockError):
    code = "count_refused"


class FeedRejected(StockError):
    """A stock feed batch with bad items (inventory.feeds.FeedProblem); nothing was booked."""

    code = "feed_rejected"

    def __init__(self, problems: Sequence[Any]):
        self.problems = sorted(problems, key=lambda p: (p.index, p.field))
        super().__init__(
            _("%(count)d item(s) of the batch are invalid; nothing was booked.")
            % {"count": len({p.index for p in self.problems})}
        )

    def extra(self) -> dict[str, Any]:
        return {"errors": [p.as_dict() for p in self.problems]}


class SnapshotRejected(StockError):
    """A stock snapshot with bad rows (inventory.snapshots.RowProblem); nothing was applied."""

    code = "snapshot_rejected"

    def __init__(self, problems: list[Any]):
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__(
            _("%(count)d row(s) of the snapshot are invalid; nothing was applied.")
            % {"count": len({p.line for p in self.problems})}
        )


class WrongStore(StockError):
    """A till's request names another store than the one its token books for."""

    code = "wrong_store"
    http_status = 403


class AlertError(StockError):
    """A back-in-stock alert that cannot be made, confirmed or ended."""

    code = "alert_refused"


class AlertNotNeeded(AlertError):
    """The variant is available at the store right now: nothing to wait for."""

    code = "alert_not_needed"
    http_status = 409


class AlertLinkInvalid(AlertError):
    """A confirmation, unsubscribe or cart link that is forged, expired or for a gone alert."""

    code = "alert_link_invalid"
    http_status = 404


class AlertRateLimited(AlertError):
    """Too many alert requests from one client or for one address: 429."""

    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, retry_at: Any):
        super().__init__(message)
        self.retry_at = retry_at
