"""Refusals of the legal app."""

from core.errors import DomainError


class LegalTextError(DomainError):
    """A legal text version that cannot be saved (e.g. it is already in force)."""

    code = "legal_text_invalid"
    http_status = 400
