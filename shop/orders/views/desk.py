"""The associate's desk page: the pickup queue of one store and the handover scanner.

Thin views over `shop.orders.services.orders`, the same services the admin and the API call.
Every write is a POST with CSRF; htmx swaps partials, and without JavaScript the forms
still work through redirects.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from inventory.selectors import shortfalls_for_references
from shop.orders.errors import OrderError, WrongPickupCode
from shop.orders.forms import ShortPickForm
from shop.orders.models import Order, OrderStatus
from shop.orders.order_display import duration_short
from shop.orders.selectors.orders import (
    PROMISED_STATUSES,
    desk_queue,
    desk_wrong_codes,
    is_overdue,
    order_lines_for_picking,
    orders_for_staff,
)
from shop.orders.selectors.rescue import rescues_by_order
from shop.orders.services import orders as services
from stores.desk import desk_store_for_request, desk_stores
from stores.display import due_label
from stores.models import Store

STEPS = {
    "start-picking": services.order_start_picking,
    "mark-ready": services.order_mark_ready,
}


def _desk_store(request) -> tuple[Store, list[Store]]:
    """The store whose queue is shown and the stores to switch to (`stores.desk`'s rule)."""
    stores = desk_stores(request)
    return desk_store_for_request(request, stores), stores


def _queue_context(store: Store) -> dict:
    now = timezone.now()
    columns = desk_queue(store, now=now)
    shortfalls = shortfalls_for_references(
        [order.number for orders in columns.values() for order in orders]
    )
    rescues = rescues_by_order(
        order_ids=[order.pk for orders in columns.values() for order in orders]
    )
    for orders in columns.values():
        for order in orders:
            order.age = duration_short(now - order.created_at)
            order.due = (
                due_label(order.promised_ready_at, now)
                if order.promised_ready_at and order.status in PROMISED_STATUSES
                else ""
            )
            order.shortfalls = shortfalls.get(order.number, [])
            order.rescue_list = rescues.get(order.pk, [])
            order.waits_for_customer = any(rescue.is_open for rescue in order.rescue_list)
    return {"store": store, "columns": columns, "refreshed_at": now}


@login_required
@require_safe
def desk(request):
    store, stores = _desk_store(request)
    return render(request, "shop/desk/desk.html", {"stores": stores, **_queue_context(store)})


@login_required
@require_safe
def desk_queue_partial(request):
    store, _stores = _desk_store(request)
    return render(request, "shop/desk/queue.html", _queue_context(store))


@login_required
@require_POST
def desk_step(request, public_id, step):
    store, _stores = _desk_store(request)
    if step not in STEPS:
        raise Http404
    order = get_object_or_404(store.pickup_orders, public_id=public_id)
    try:
        STEPS[step](order=order, actor=request.user)
    except OrderError as exc:
        error = str(exc)
    else:
        error = ""
    if request.POST.get("next") == "order":  # from the pick page: back to it
        if error:
            messages.error(request, error)
        elif step == "mark-ready":
            messages.success(
                request, _("Order %(number)s is ready for pickup.") % {"number": order.number}
            )
            return redirect(f"{reverse('pickup:desk')}?store={store.code}")
        return redirect("pickup:desk_order", public_id=order.public_id)
    if request.htmx:
        return render(request, "shop/desk/queue.html", {"error": error, **_queue_context(store)})
    if error:
        messages.error(request, error)
    return redirect(f"{reverse('pickup:desk')}?store={store.code}")


def _staff_order(request, public_id) -> Order:
    """An order of the stores this associate works in; another store's is a plain 404."""
    desk_stores(request)  # 403 for someone who works at no desk
    return get_object_or_404(orders_for_staff(request.user), public_id=public_id)


def _picture_url(line) -> str:
    name = line.thumb or line.full
    return default_storage.url(name) if name else ""


def _pick_context(order: Order) -> dict:
    lines = order_lines_for_picking(order)
    for line in lines:
        line.picture = _picture_url(line)
    return {
        "order": order,
        "store": order.store,
        "lines": lines,
        "overdue": is_overdue(order),
        "can_pick": order.status == OrderStatus.PICKING,
        "units": sum(line.quantity_to_collect for line in lines),
    }


@login_required
@require_safe
def desk_order(request, public_id):
    """Picking one order: its lines, confirmed by scanning their EAN or by tapping."""
    order = _staff_order(request, public_id)
    return render(request, "shop/desk/order.html", _pick_context(order))


@login_required
@require_safe
def desk_slip(request, public_id):
    """The printable pick slip, A4 or (`?format=80mm`) a receipt printer's roll."""
    order = _staff_order(request, public_id)
    narrow = request.GET.get("format") == "80mm"
    context = {**_pick_context(order), "narrow": narrow, "printed_at": timezone.now()}
    return render(request, "shop/desk/slip.html", context)


@login_required
@require_POST
def desk_mark_short(request, public_id, line_id):
    """Units of one line not found on the shelf, after the associate confirmed how many."""
    order = _staff_order(request, public_id)
    line = get_object_or_404(order.lines, pk=line_id)
    back = redirect("pickup:desk_order", public_id=order.public_id)
    form = ShortPickForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.first_error())
        return back
    units = form.cleaned_data["units"]
    if request.POST.get("confirmed") != "yes":
        messages.error(request, _("Please confirm the missing units."))
        return back
    try:
        order = services.order_mark_line_short(
            line=line,
            units=units,
            actor=request.user,
            already_short=form.cleaned_data["already_short"],
        )
    except OrderError as exc:
        messages.error(request, str(exc))
        return back
    message = ngettext(
        "%(units)d unit of %(name)s marked short. The customer is told.",
        "%(units)d units of %(name)s marked short. The customer is told.",
        units,
    ) % {"units": units, "name": line.product_name}
    if order.status == OrderStatus.CANCELLED:
        message += " " + _("Nothing is left to hand over: the order is cancelled.")
    messages.success(request, message)
    return back


@login_required
@require_POST
def desk_collect(request):
    store, stores = _desk_store(request)
    context = {"store": store}
    try:
        order = services.order_collect_by_code(
            store=store,
            code=request.POST.get("code", ""),
            actor=request.user,
            ip=request.META.get("REMOTE_ADDR"),
        )
    except OrderError as exc:
        context["error"] = str(exc)
        if isinstance(exc, WrongPickupCode):
            wrong = desk_wrong_codes(
                store=store,
                actor=request.user,
                since=timezone.now() - services.WRONG_CODE_WINDOW,
            )
            context["tries_left"] = max(0, services.WRONG_CODES_PER_STAFF - wrong)
    else:
        context["order"] = order
        context["lines"] = [line for line in order.lines.all() if line.quantity_to_collect]
    template = "shop/desk/result.html" if request.htmx else "shop/desk/desk.html"
    if not request.htmx:
        context.update(stores=stores, **_queue_context(store))
    response = render(request, template, context)
    if request.htmx and "order" in context:
        response["HX-Trigger"] = "desk-refresh"
    return response
