"""The shopper's own pickup orders: list, detail (timeline, store, code and QR) and cancel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.qr import qr_svg_inline
from shop.orders.errors import OrderError
from shop.orders.models import OrderEvent, OrderStatus
from shop.orders.pickup_codes import pickup_code_format
from shop.orders.selectors.orders import orders_for_customer, with_item_counts
from shop.orders.services.orders import order_cancel
from stores.models import OpeningHours

# Steps every order walks through on the way to the counter, for the timeline.
HAPPY_PATH = (OrderStatus.PLACED, OrderStatus.PICKING, OrderStatus.READY, OrderStatus.COLLECTED)


@login_required
@require_safe
def order_list(request):
    orders = with_item_counts(orders_for_customer(request.user))
    return TemplateResponse(request, "shop/orders/list.html", {"orders": orders})


def _own_order(request, public_id):
    """The shopper's own order; another shopper's is a 404, just like one that does not exist."""
    orders = orders_for_customer(request.user).prefetch_related(
        "lines",
        Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "id")),
        Prefetch("store__opening_hours", queryset=OpeningHours.objects.order_by("opens")),
    )
    return get_object_or_404(orders, public_id=public_id)


def _qr_svg(code: str) -> str:
    """The pickup code as an inline SVG QR code (the desk's scanner reads it like typed text)."""
    return qr_svg_inline(code, title=_("Pickup code"), dark="#1d2733")


@login_required
@require_safe
def order_detail(request, public_id):
    order = _own_order(request, public_id)
    now = timezone.localtime()
    reached = {event.to_status for event in order.events.all()}
    context = {
        "order": order,
        "store": order.store,
        "hours_today": order.store.hours_on(now.date()),
        "open_now": order.store.is_open_at(now),
        "steps": [(status, status.label, status in reached) for status in HAPPY_PATH],
        "code": pickup_code_format(order.pickup_code),
        "qr_svg": _qr_svg(order.pickup_code) if order.status == OrderStatus.READY else "",
    }
    return TemplateResponse(request, "shop/orders/detail.html", context)


@login_required
@require_POST
def order_cancel_view(request, public_id):
    order = get_object_or_404(orders_for_customer(request.user), public_id=public_id)
    try:
        order_cancel(order=order, actor=request.user, reason=_("Cancelled by the customer"))
    except OrderError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your order has been cancelled."))
    return redirect(order)
