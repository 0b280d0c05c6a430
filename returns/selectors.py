"""Reads of returns used by the shopper pages, the desk, the admin and the API."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.types import AnyUser
from shop.orders.models import Order, OrderLine, OrderStatus

from .codes import return_code_normalize
from .models import ReturnEvent, ReturnLine, ReturnRequest
from .services import return_window_ends, returned_quantities


def with_details(qs: QuerySet[ReturnRequest]) -> QuerySet[ReturnRequest]:
    return qs.select_related("order", "received_store", "refund", "customer").prefetch_related(
        Prefetch("lines", queryset=ReturnLine.objects.select_related("order_line")),
        Prefetch("events", queryset=ReturnEvent.objects.select_related("actor", "store")),
    )


def returns_for_customer(user: AnyUser) -> QuerySet[ReturnRequest]:
    if not user.is_authenticated:
        return ReturnRequest.objects.none()
    return with_details(ReturnRequest.objects.filter(customer=user))


def returns_for_order(order: Order) -> QuerySet[ReturnRequest]:
    return with_details(ReturnRequest.objects.filter(order=order))


def return_for_token(customer: User, token: str) -> ReturnRequest | None:
    """The return a start form with this one-time token already created (a double submit)."""
    if not token:
        return None
    return ReturnRequest.objects.filter(customer=customer, idempotency_key=token[:64]).first()


def returns_for_staff(user: AnyUser) -> QuerySet[ReturnRequest]:
    """The desk list and the admin: returns received at the user's stores."""
    return with_details(ReturnRequest.objects.for_staff(user))


def return_lookup(query: str) -> list[ReturnRequest]:
    """What an associate of ANY store finds at the counter: by exact return code or order
    number, or by the shopper's loyalty card number. Exact matches only, so nobody browses
    other stores' returns."""
    raw = (query or "").strip()
    if not raw:
        return []
    code = return_code_normalize(raw)
    match = Q(code=code) | Q(order__number__iexact=raw)
    card_user_ids = _users_by_card(raw)
    if card_user_ids:
        match |= Q(customer_id__in=card_user_ids)
    return list(with_details(ReturnRequest.objects.filter(match)).order_by("-created_at")[:20])


def _users_by_card(raw: str) -> list[int]:
    digits = "".join(ch for ch in raw if ch.isdigit())
    if len(digits) != 13:
        return []
    from loyalty.models import LoyaltyAccount

    return list(LoyaltyAccount.objects.filter(card_number=digits).values_list("user_id", flat=True))


def collected_order_by_number(number: str) -> Order | None:
    """For a return started at the counter: the collected order with this number, any store."""
    number = (number or "").strip()
    if not number:
        return None
    return (
        Order.objects.filter(number__iexact=number, status=OrderStatus.COLLECTED)
        .select_related("customer", "store")
        .first()
    )


@dataclass(frozen=True)
class ReturnableLine:
    line: OrderLine
    returned: int

    @property
    def returnable(self) -> int:
        return max(self.line.quantity_to_collect - self.returned, 0)


def returnable_lines(order: Order) -> list[ReturnableLine]:
    already = returned_quantities(order=order)
    return [
        ReturnableLine(line=line, returned=already.get(line.pk, 0))
        for line in order.lines.all()
        if line.quantity_to_collect > 0
    ]


def can_start_return(order: Order) -> bool:
    if order.status != OrderStatus.COLLECTED:
        return False
    ends = return_window_ends(order=order)
    if ends is None or timezone.localdate() > ends:
        return False
    return any(r.returnable for r in returnable_lines(order))
