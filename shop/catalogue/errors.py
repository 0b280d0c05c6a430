"""The catalogue's domain errors."""

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from core.errors import DomainError


class PriceError(DomainError):
    """A price or sale that cannot be set (negative, a sale not below the price, a period that
    ends before it starts); nothing is changed."""

    code = "price_invalid"
    http_status = 400


class CatalogueFeedRejected(DomainError):
    """A catalogue feed with bad rows (shop.catalogue.feed.services.FeedProblem); nothing was
    changed. `problems` lists every bad row by position and reason."""

    code = "feed_rejected"
    http_status = 400

    def __init__(self, problems: Sequence[Any], message: str | None = None):
        self.problems = list(problems)
        super().__init__(
            message
            or _("%(count)d product(s) of the feed are invalid; nothing was changed.")
            % {"count": len({p.product for p in self.problems})}
        )

    def extra(self) -> dict[str, Any]:
        return {"errors": [p.as_dict() for p in self.problems]}
