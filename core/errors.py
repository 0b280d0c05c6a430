"""The base of every domain error: a refusal meant for a person (str(exc)) that also carries a
machine code and the HTTP status the API answers it with.

Each app keeps its own error classes in its `errors.py`, subclassing DomainError and setting
`code` and `http_status`; services raise them, HTML views turn them into form errors or admin
messages, and the API's exception handler (core.api.domain_exception_handler) renders them as
{"detail", "code", "reasons"?} with the status.
"""

import datetime as dt
from typing import Any


class DomainError(Exception):
    """A change that cannot be made. `reasons` lists the individual reasons where there are
    several; `retry_at` says when a rate-limited request may be tried again."""

    code: str = "invalid"
    http_status: int = 400
    reasons: list[str] | None = None
    retry_at: dt.datetime | None = None

    def __init__(self, *args: object, reasons: list[str] | None = None):
        super().__init__(*args)
        if reasons is not None:
            self.reasons = list(reasons)

    def extra(self) -> dict[str, Any]:
        """Further keys of the API body beyond detail, code and reasons (JSON-serialisable)."""
        return {}
