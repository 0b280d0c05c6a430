"""Domain errors of the loyalty app. Each message is meant for a person (shopper, associate, till)."""


class LoyaltyError(Exception):
    """A loyalty change that cannot be made."""


class CardNumberError(LoyaltyError):
    """A typed or scanned card number that is malformed (wrong length, wrong check digit)."""


class UnknownCard(CardNumberError):
    """A well-formed card number that belongs to no account."""


class InsufficientPoints(LoyaltyError):
    """A write that would take the balance below zero."""


class RedemptionTooLarge(LoyaltyError):
    """More points than may be used on this order."""


class SourceConflict(LoyaltyError):
    """The source (order, receipt, return) was booked before with different figures."""


class LookupRateLimited(LoyaltyError):
    """A staff member looked up too many cards in a short time."""


class NotAllowed(LoyaltyError):
    """The person may not do this (not staff of the store, not a manager)."""
