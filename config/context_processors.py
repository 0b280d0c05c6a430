"""The header's counters (cart units, unread messages), read together in one query per page."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_count_subquery
from shop.orders.selectors.cart import cart_item_count, cart_units_subquery


@dataclass(frozen=True)
class HeaderCounts:
    cart_units: int = 0
    unread: int = 0


def _header_counts(request) -> HeaderCounts:
    user = request.user
    if not user.is_authenticated:
        return HeaderCounts(cart_units=cart_item_count(user=user, session=request.session))
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list(
            Coalesce(cart_units_subquery(user), Value(0)),
            Coalesce(unread_count_subquery(user), Value(0)),
        )
        .first()
    )
    return HeaderCounts(*row) if row else HeaderCounts()


def header(request):
    return {"header": SimpleLazyObject(lambda: _header_counts(request))}
