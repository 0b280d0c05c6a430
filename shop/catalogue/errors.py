"""The catalogue's domain errors."""

from core.errors import DomainError


class PriceError(DomainError):
    """A price or sale that cannot be set (negative, a sale not below the price, a period that
    ends before it starts); nothing is changed."""

    code = "price_invalid"
    http_status = 400
