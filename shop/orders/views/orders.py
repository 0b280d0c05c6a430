"""The shopper's own pickup orders: list, detail (timeline, store, code and QR) and cancel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST, require_safe

from core.qr import qr_svg_inline
from shop.orders.errors import OrderError
from shop.orders.links import collector_url, rescue_url
from shop.orders.models import OrderEvent, OrderStatus, ShortPickRescue
from shop.orders.pickup_codes import pickup_code_format
from shop.orders.selectors.orders import orders_for_customer, with_item_counts
from shop.orders.services.orders import order_cancel
from shop.orders.texts import ORDER_EVENT_TEXTS
from stores.display import moment_label, ready_label, store_calendar_context
from stores.models import OpeningHours

# Steps every order walks through on the way to the counter, for the timeline.
HAPPY_PATH = (OrderStatus.PLACED, OrderStatus.PICKING, OrderStatus.READY, OrderStatus.COLLECTED)
# Short step names: the status badge already says "Ready for pickup" once on the page.
STEP_LABELS = {
    OrderStatus.PLACED: pgettext_lazy("order step", "Placed"),
    OrderStatus.PICKING: pgettext_lazy("order step", "Picking"),
    OrderStatus.READY: pgettext_lazy("order step", "Ready"),
    OrderStatus.COLLECTED: pgettext_lazy("order step", "Collected"),
}


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
        Prefetch(
            "rescues",
            queryset=ShortPickRescue.objects.select_related("line", "rescue_order__store"),
        ),
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
    events = list(order.events.all())
    for event in events:
        # A step reached gets its short name; a note on the way (a short pick, a choice) none.
        event.label = (
            STEP_LABELS.get(event.to_status, event.get_to_status_display())
            if event.to_status != event.from_status
            else ""
        )
    store_calendar_context(order.store, now=now)
    reached = {event.to_status for event in events}
    context = {
        "order": order,
        "events": events,
        "store": order.store,
        "promised_text": (
            ready_label(order.promised_ready_at, now) if order.promised_ready_at else ""
        ),
        "hold_until_text": moment_label(order.hold_until) if order.hold_until else "",
        "steps": [(status, STEP_LABELS[status], status in reached) for status in HAPPY_PATH],
        "code": pickup_code_format(order.pickup_code),
        "qr_svg": _qr_svg(order.pickup_code) if order.status == OrderStatus.READY else "",
        "rescues": [(rescue, rescue_url(rescue)) for rescue in order.rescues.all()],
        "collector_link": collector_url(order) if order.collector_code else "",
        "collector_code": pickup_code_format(order.collector_code),
    }
    return TemplateResponse(request, "shop/orders/detail.html", context)


@login_required
@require_POST
def order_cancel_view(request, public_id):
    order = get_object_or_404(orders_for_customer(request.user), public_id=public_id)
    try:
        order_cancel(
            order=order, actor=request.user, reason=ORDER_EVENT_TEXTS.make("cancelled_by_customer")
        )
    except OrderError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your order has been cancelled."))
    return redirect(order)
