from collections.abc import Iterable
from typing import TypeGuard

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.models import User
from accounts.types import AnyUser

from .calendar import calendar_prefetches
from .geo import Point, distance_km_expression
from .geocode import Place, locate_place
from .models import StaffMembership, StaffRole, Store

SESSION_KEY = "my_store_id"


def stores_near(origin: Point | None, queryset: QuerySet[Store] | None = None) -> QuerySet[Store]:
    """Active stores with their calendars (opening hours, special days ahead), nearest first
    when an origin is known."""
    qs = (queryset if queryset is not None else Store.objects.active()).prefetch_related(
        *calendar_prefetches()
    )
    if origin is None:
        return qs.order_by("name")
    return qs.annotate(distance_km=distance_km_expression(origin)).order_by("distance_km", "name")


def locate(query: str) -> Place | None:
    """Where a German postcode or place name is (see `stores.geocode`); None if it cannot be
    placed. A postcode is placed at its region only, so distances from it are approximate."""
    return locate_place(query)


def route_url(store: Store) -> str:
    """A route planner (OpenStreetMap) with the store's coordinates as the destination."""
    return (
        "https://www.openstreetmap.org/directions?route=%3B"
        f"{store.latitude:.6f}%2C{store.longitude:.6f}"
    )


def map_url(store: Store) -> str:
    """The store on the OpenStreetMap map."""
    lat, lng = f"{store.latitude:.6f}", f"{store.longitude:.6f}"
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lng}#map=17/{lat}/{lng}"


def store_for_request(request: HttpRequest) -> Store | None:
    """The shopper's chosen store: from the session, else from the account."""
    store_id = request.session.get(SESSION_KEY)
    if store_id is None and request.user.is_authenticated:
        store_id = request.user.preferred_store_id
    if store_id is None:
        return None
    return Store.objects.active().filter(pk=store_id).first()


def lazy_store_for_request(request: HttpRequest) -> SimpleLazyObject:
    """`store_for_request` for templates, evaluated on first use (falsy when there is none)."""
    return SimpleLazyObject(lambda: store_for_request(request))


# --- who works at a store ------------------------------------------------------------------


def store_staff(store_id: int) -> QuerySet[User]:
    """Everyone actively working at the store (any role)."""
    return User.objects.filter(store_memberships__store_id=store_id, is_active=True)


def store_managers(store_ids: Iterable[int]) -> dict[int, list[User]]:
    """{store_id: [active manager, …]} for the given stores, in one query."""
    managers: dict[int, list[User]] = {store_id: [] for store_id in store_ids}
    memberships = StaffMembership.objects.filter(
        store_id__in=list(managers), role=StaffRole.MANAGER, user__is_active=True
    ).select_related("user")
    for membership in memberships.order_by("pk"):
        managers[membership.store_id].append(membership.user)
    return managers


# --- who works where ---------------------------------------------------------------------------
#
# The one rule for "is this person staff of this store": an anonymous or inactive user works
# nowhere; an active superuser works in every store (active or not); anyone else works in the
# stores they have a StaffMembership for, and manages those where its role is "manager".


def _may_work(user: AnyUser | None) -> TypeGuard[User]:
    """An active, logged-in account (the anonymous visitor never is one)."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def staff_stores(*, user: AnyUser | None, role: str | None = None) -> QuerySet[Store]:
    """The stores whose orders, returns and stock this user may see and change.

    All stores (inactive ones too) for a superuser, none for an anonymous or inactive user.
    With `role` (a StaffRole) only the stores where the membership has that role; a superuser
    still gets all. Chain `.active()` for the stores that are open for business.
    """
    if not _may_work(user):
        return Store.objects.none()
    if user.is_superuser:
        return Store.objects.all()
    if role is None:
        return Store.objects.filter(memberships__user=user)
    return Store.objects.filter(memberships__user=user, memberships__role=role)


def is_store_staff(*, user: AnyUser | None, store: Store | int) -> bool:
    """Does this user work in `store` (a Store or its pk)? See `staff_stores` for the rule."""
    if not _may_work(user):
        return False
    if user.is_superuser:
        return True
    store_id = store.pk if isinstance(store, Store) else store
    return StaffMembership.objects.filter(user=user, store_id=store_id).exists()


def is_store_manager(*, user: AnyUser | None, store: Store | int) -> bool:
    """Is this user a manager of `store` (or a superuser)?"""
    if not _may_work(user):
        return False
    if user.is_superuser:
        return True
    store_id = store.pk if isinstance(store, Store) else store
    return StaffMembership.objects.filter(
        user=user, store_id=store_id, role=StaffRole.MANAGER
    ).exists()
