"""Domain errors of the customers app; messages are for a person."""

import datetime as dt

from core.errors import DomainError


class CustomerError(DomainError):
    code = "invalid"
    http_status = 400


class AccountFieldError(CustomerError):
    """A value of the account page that cannot be saved; `field` names the form field."""

    def __init__(self, *args: object, field: str | None = None):
        super().__init__(*args)
        self.field = field


class ErasureRefused(CustomerError):
    code = "erasure_refused"
    http_status = 409


class ConfirmationNotSent(CustomerError):
    """The erasure's confirmation e-mail could not be handed to the mail server: nothing erased."""

    code = "confirmation_not_sent"
    http_status = 503


class ExportNotAvailable(CustomerError):
    code = "export_not_available"
    http_status = 404


class ExportTooSoon(CustomerError):
    code = "export_too_soon"
    http_status = 429


class CustomerNotAllowed(CustomerError):
    code = "not_allowed"
    http_status = 403


class CustomerSearchLimited(CustomerError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, *args: object, retry_at: dt.datetime | None = None):
        super().__init__(*args)
        self.retry_at = retry_at


class ErasureRateLimited(CustomerError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, *args: object, retry_at: dt.datetime | None = None):
        super().__init__(*args)
        self.retry_at = retry_at
