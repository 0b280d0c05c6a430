"""Domain errors of the loyalty app. Each message is meant for a person (shopper, associate, till);
the code and status are what the API answers with (core.api.domain_exception_handler)."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from core.errors import DomainError


class LoyaltyError(DomainError):
    """A loyalty change that cannot be made."""

    code = "invalid"
    http_status = 400


class CardNumberError(LoyaltyError):
    """A typed or scanned card number that is malformed (wrong length, wrong check digit)."""

    code = "invalid_card_number"
    http_status = 400


class UnknownCard(CardNumberError):
    """A well-formed card number that belongs to no account."""

    code = "unknown_card"
    http_status = 404


class InsufficientPoints(LoyaltyError):
    """A write that would take the balance below zero."""

    code = "insufficient_points"
    http_status = 400


class RedemptionTooLarge(LoyaltyError):
    """More points than may be used on this order."""

    code = "redemption_too_large"
    http_status = 400


class SourceConflict(LoyaltyError):
    """The source (order, receipt, return) was booked before with different figures."""

    code = "source_conflict"
    http_status = 409


class ReceiptConflict(SourceConflict):
    """An in-store receipt booked before with another amount or on another card."""

    code = "receipt_conflict"


class LookupRateLimited(LoyaltyError):
    """A staff member looked up too many cards in a short time, or a till token sent too many
    numbers that match no card."""

    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, retry_at: dt.datetime | None = None):
        super().__init__(message)
        self.retry_at = retry_at


class NotAllowed(LoyaltyError):
    """The person may not do this (not staff of the store, not a manager)."""

    code = "not_allowed"
    http_status = 403


class WrongStore(NotAllowed):
    """A till's request names another store than the one its token books for."""

    code = "wrong_store"
    http_status = 403


class StoreCreditError(DomainError):
    """Store credit that cannot be booked (spent, added, given back); the message is meant for a person."""

    code = "store_credit"
    http_status = 400


@dataclass(frozen=True)
class ReceiptProblem:
    """What is wrong with a till receipt: the line (0-based, None for the receipt), the field."""

    line: int | None
    field: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "reason": self.reason}


class ReceiptRefused(LoyaltyError):
    """A till receipt with bad lines or a total that does not add up; nothing was booked."""

    code = "receipt_refused"
    http_status = 400

    def __init__(self, problems: Sequence[ReceiptProblem]):
        self.problems = sorted(problems, key=lambda p: (p.line is not None, p.line or 0, p.field))
        super().__init__(
            _("The receipt was refused; nothing was booked."),
            reasons=[p.reason for p in self.problems],
        )

    def extra(self) -> dict[str, Any]:
        return {"errors": [p.as_dict() for p in self.problems]}


class OfferError(LoyaltyError):
    """A coupon or offer that cannot be used (see `loyalty.offers.services`)."""

    code = "offer_invalid"
    http_status = 400


class CouponUnknown(OfferError):
    code = "coupon_unknown"
    http_status = 400


class CouponNotApplicable(OfferError):
    code = "coupon_not_applicable"
    http_status = 400


class CouponExpired(OfferError):
    code = "coupon_expired"
    http_status = 400


class CouponUsedUp(OfferError):
    code = "coupon_used_up"
    http_status = 409


class CouponRateLimited(OfferError):
    code = "rate_limited"
    http_status = 429
