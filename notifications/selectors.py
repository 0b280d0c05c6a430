"""Reads of in-app messages shared by the messages page, the header and the admin index."""

from typing import TYPE_CHECKING

from django.db.models import Count, Subquery

from .models import Notification

if TYPE_CHECKING:
    # notifications imports no other app of ours, accounts included: django-stubs resolves these
    # aliases to AUTH_USER_MODEL (accounts.User) and to it or AnonymousUser (accounts.types.AnyUser).
    from django.contrib.auth.models import _AnyUser, _User


def unread_count(user: "_AnyUser") -> int:
    """How many in-app messages the user has not read (one COUNT query; 0 for anonymous)."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.inbox(user).unread().count()


def unread_count_subquery(user: "_User") -> Subquery:
    """The unread count as a scalar subquery, for the header's one query."""
    unread = (
        Notification.objects.inbox(user)
        .unread()
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(unread)


def latest_unread(user: "_AnyUser", limit: int = 5) -> list[Notification]:
    if not user.is_authenticated:
        return []
    return list(Notification.objects.inbox(user).unread()[:limit])
