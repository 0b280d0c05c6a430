"""Domain errors of carts and pickup orders. Each message is meant for a person; the code and
status are what the API answers with (core.api.domain_exception_handler)."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from core.errors import DomainError
from shop.catalogue.models import Variant
from stores.models import Store


class CartError(DomainError):
    """A cart change that cannot be made; the message is meant for the shopper."""

    code = "invalid_cart"
    http_status = 400


class OrderError(DomainError):
    """An order change that cannot be made; the message is meant for a person.

    As such a refused step of an order that exists (wrong status, too many units short): 409."""

    code = "order_conflict"
    http_status = 409


class OrderInvalid(OrderError):
    """An order that cannot be placed as asked (phone, lines, points, store): 400."""

    code = "invalid"
    http_status = 400


class OrderNotFound(OrderError):
    """No order the actor may act on (another store's order looks exactly like a missing one)."""

    code = "not_found"
    http_status = 404


class WrongPickupCode(OrderError):
    code = "wrong_pickup_code"
    http_status = 400


class HandoverRateLimited(OrderError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, retry_at: dt.datetime):
        super().__init__(message)
        self.retry_at = retry_at


class IdempotencyConflict(OrderError):
    """An idempotency key the shopper used before for an order of other lines or another store."""

    code = "idempotency_conflict"
    http_status = 409


@dataclass(frozen=True)
class LineShortage:
    variant: Variant
    requested: int
    available: int
    elsewhere: list[tuple[Store, int]] = field(default_factory=list)


class OrderShortage(OrderError):
    """Not every line can be reserved at the chosen store; nothing was reserved."""

    code = "insufficient_stock"
    http_status = 409

    def __init__(self, shortages: list[LineShortage]):
        self.shortages = shortages
        super().__init__(
            _("Not enough stock at this store for: %(skus)s.")
            % {"skus": ", ".join(s.variant.sku for s in shortages)}
        )

    def extra(self) -> dict[str, Any]:
        return {
            "short_lines": [
                {
                    "sku": s.variant.sku,
                    "requested": s.requested,
                    "available": s.available,
                    "elsewhere": [
                        {"store": store.code, "name": store.name, "available": units}
                        for store, units in s.elsewhere
                    ],
                }
                for s in self.shortages
            ]
        }


class RescueClosed(OrderError):
    """The customer (or the deadline) already decided what happens to these missing units."""

    code = "rescue_closed"
    http_status = 409


class RescueNoStore(OrderError):
    """No other pickup store has the missing units right now."""

    code = "rescue_no_store"
    http_status = 409


class WithdrawalRefused(OrderError):
    """A withdrawal that cannot be taken (reservation, already withdrawn, period over): 409."""

    code = "withdrawal_refused"
    http_status = 409


class WithdrawalRateLimited(OrderError):
    """Too many wrong order number / e-mail pairs from one client in step 1: 429."""

    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, retry_at: dt.datetime):
        super().__init__(message)
        self.retry_at = retry_at


class PaymentFailed(OrderError):
    """The payment provider could not take or authorise the money (provider down, card expired).

    Nothing of the step is written: a handover that fails this way leaves the order ready to
    collect, and the associate may try again or let the shopper pay at the counter."""

    code = "payment_failed"
    http_status = 409


class PaymentDeclined(PaymentFailed):
    """The shopper's card or account refused the authorisation at checkout: nothing was
    ordered or reserved, the cart is unchanged, and another card or method may be tried."""

    code = "card_declined"
    http_status = 402


class PaymentRateLimited(PaymentFailed):
    """Too many declined payments of one shopper within a short time (card testing)."""

    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, retry_at: dt.datetime):
        super().__init__(message)
        self.retry_at = retry_at


class PaymentDetailsMissing(PaymentFailed):
    """An online payment was chosen without the payment details the provider needs."""

    code = "payment_details_missing"
    http_status = 400
