"""The staff's customer 360: finding a customer and opening them, each logged and rate-limited.

Customers belong to the chain, so any associate of an active store may open any customer; every
search and every opening writes a `CustomerAccess` row (who, when, which customer, from which
page, at which store). The rows are also the rate limit's counter (ACCESS_LIMIT per
ACCESS_WINDOW and staff member, like the loyalty desk's card lookups), so nobody can page
through the chain's customers. A search stores how many it found, never what was typed.
"""

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from loyalty.errors import LoyaltyError
from loyalty.selectors import account_by_customer
from stores.models import StaffRole, Store
from stores.selectors import is_store_staff, staff_stores

from ..errors import CustomerError, CustomerNotAllowed, CustomerSearchLimited
from ..models import AccessKind, CustomerAccess
from ..selectors import Customer360, customer_360

logger = logging.getLogger(__name__)

ACCESS_LIMIT = 60
ACCESS_WINDOW = dt.timedelta(minutes=10)
NAME_RESULTS = 20
PAGES = ("search", "customer", "pickup", "loyalty", "returns")


def _allowed(staff: User, store: Store) -> None:
    if not is_store_staff(user=staff, store=store):
        raise CustomerNotAllowed(_("You do not work in this store."))
    recent = list(
        CustomerAccess.objects.filter(staff=staff, created_at__gte=timezone.now() - ACCESS_WINDOW)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:ACCESS_LIMIT]
    )
    if len(recent) >= ACCESS_LIMIT:
        logger.warning("Customer 360 refused for user %s: rate limit", staff.pk)
        raise CustomerSearchLimited(
            _("Too many customer searches; please wait a few minutes and try again."),
            retry_at=recent[-1] + ACCESS_WINDOW,
        )


def _customers() -> QuerySet[User]:
    return User.objects.filter(is_active=True, erasure__isnull=True)


def _by_name(query: str) -> list[User]:
    words = [w for w in query.split() if w]
    if not words or min(len(w) for w in words) < 2 or len(query) < 3:
        raise CustomerError(_("Please type at least three letters of the name."))
    users = _customers()
    for word in words:
        users = users.filter(Q(first_name__istartswith=word) | Q(last_name__istartswith=word))
    return list(users.order_by("last_name", "first_name", "pk")[:NAME_RESULTS])


def customer_search(*, staff: User, store: Store, query: str) -> list[User]:
    """Customers for a card number (typed or scanned), an e-mail address, a phone number or a
    name. Card, e-mail and phone find one customer; a name up to NAME_RESULTS. Logged and
    limited; raises CustomerError for input that cannot find anyone."""
    query = " ".join((query or "").split())[:100]
    if not query:
        raise CustomerError(_("Please type a card number, e-mail address, phone number or name."))
    with transaction.atomic():
        _allowed(staff, store)
        found: list[User]
        error: CustomerError | None = None
        is_name = not ("@" in query or query[:1].isdigit() or query[:1] == "+")
        if is_name:
            try:
                found = _by_name(query)
            except CustomerError as exc:
                found, error = [], exc
        else:
            try:
                account = account_by_customer(query)
            except LoyaltyError as exc:
                found, error = [], CustomerError(str(exc))
            else:
                user = account.user
                found = [user] if user.is_active and account.retired_at is None else []
        CustomerAccess.objects.create(
            staff=staff, store=store, kind=AccessKind.SEARCH, page="search", found=len(found)
        )
    if error is not None:
        raise error
    return found


def customer_open(*, staff: User, store: Store, customer: User, page: str) -> Customer360:
    """Everything about `customer` for `staff` at `store`; the opening is logged first."""
    if not _customers().filter(pk=customer.pk).exists():
        raise CustomerError(_("This customer account no longer exists."))
    with transaction.atomic():
        _allowed(staff, store)
        CustomerAccess.objects.create(
            staff=staff,
            customer=customer,
            store=store,
            kind=AccessKind.OPEN,
            page=page if page in PAGES else "customer",
        )
    return customer_360(customer=customer, store=store)


def access_audit(*, viewer: User) -> QuerySet[CustomerAccess]:
    """The audit a viewer may review: a manager sees the openings at the stores they manage,
    a superuser all; an associate none (CustomerNotAllowed)."""
    rows = CustomerAccess.objects.filter(kind=AccessKind.OPEN).select_related(
        "staff", "customer", "store"
    )
    if viewer.is_superuser and viewer.is_active:
        return rows
    managed = staff_stores(user=viewer, role=StaffRole.MANAGER)
    if not managed.exists():
        raise CustomerNotAllowed(_("Only store managers can review the access log."))
    return rows.filter(store__in=managed)
