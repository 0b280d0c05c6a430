"""Domain errors of insight (the recommendation survey)."""

from core.errors import DomainError


class NpsError(DomainError):
    code = "nps_invalid"
    http_status = 400


class NpsLinkInvalid(NpsError):
    """A survey link that was changed or is too old."""

    code = "nps_link_invalid"
    http_status = 404


class NpsAlreadyAnswered(NpsError):
    """The survey of this order was answered before, with another answer."""

    code = "nps_answered"
    http_status = 409
