"""Domain errors of returns and store credit. Each message is meant for a person; the code and
status are what the API answers with (core.api.domain_exception_handler)."""

from core.errors import DomainError


class ReturnError(DomainError):
    """A return change that cannot be made; the message is meant for a person."""

    code = "invalid"
    http_status = 400


class ReturnNotFound(ReturnError):
    """No return the actor may act on (another store's return looks like a missing one)."""

    code = "not_found"
    http_status = 404


class ReturnRefused(ReturnError):
    """The return breaks a rule; `overridable` when a manager may accept it anyway."""

    code = "return_refused"
    http_status = 400

    def __init__(self, reasons: list[str], *, overridable: bool):
        self.overridable = overridable
        super().__init__(" ".join(reasons), reasons=reasons)
