"""The admin index for store staff opens on their stores' day.

Wiring: it reads several apps (orders, stock, returns), which only `config` may do. Every figure is
one COUNT query over the stores the person works in (all stores for a superuser).
"""

import datetime as dt

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.models import CountStatus, StockCount, StockShortfall
from returns.models import ReturnRequest
from shop.orders.selectors.orders import orders_for_staff, queue_state_counts
from stores.selectors import staff_stores


def store_day(user) -> list[dict]:
    """The tiles of the start page: what waits today, each linking to where it is worked."""
    stores = staff_stores(user=user)
    if not stores.exists():
        return []
    queue = queue_state_counts(orders_for_staff(user))
    orders = reverse("admin:orders_order_changelist")
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return [
        {
            "key": "to-pick",
            "label": _("Orders to pick"),
            "count": queue["placed"] + queue["picking"],
            "url": reverse("pickup:desk"),
        },
        {
            "key": "ready",
            "label": _("Ready and waiting"),
            "count": queue["ready"],
            "url": f"{orders}?status__exact=ready",
        },
        {
            "key": "overdue",
            "label": _("Overdue"),
            "count": queue["overdue"],
            "url": f"{orders}?overdue=yes",
            "alert": True,
        },
        {
            "key": "counts",
            "label": _("Counts awaiting approval"),
            "count": StockCount.objects.filter(
                store__in=stores, status=CountStatus.SUBMITTED
            ).count(),
            "url": reverse("stock:count_new"),
            "alert": True,
        },
        {
            "key": "shortfalls",
            "label": _("Shortfalls to deal with"),
            "count": StockShortfall.objects.filter(store__in=stores, resolved=False).count(),
            "url": reverse("admin:inventory_stockshortfall_changelist"),
            "alert": True,
        },
        {
            "key": "returns",
            "label": _("Returns received today"),
            "count": ReturnRequest.objects.filter(
                received_store__in=stores,
                received_at__gte=midnight,
                received_at__lt=midnight + dt.timedelta(days=1),
            ).count(),
            "url": reverse("returns:desk"),
        },
    ]


_index = admin.site.index


def index(request, extra_context=None):
    """Django's admin index with the store's day above the apps."""
    context = {"store_day": store_day(request.user), **(extra_context or {})}
    return _index(request, extra_context=context)


def install() -> None:
    admin.site.index = index  # type: ignore[method-assign]
