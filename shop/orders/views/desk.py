"""The associate's desk page: the pickup queue of one store and the handover scanner.

Thin views over `shop.orders.services.orders`, the same services the admin and the API call.
Every write is a POST with CSRF; htmx swaps partials, and without JavaScript the forms
still work through redirects.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from inventory.selectors import shortfalls_for_references
from shop.orders.errors import OrderError
from shop.orders.order_display import duration_short
from shop.orders.selectors.orders import desk_queue
from shop.orders.selectors.rescue import rescues_by_order
from shop.orders.services import orders as services
from stores.desk import desk_store_for_request, desk_stores
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
    if request.htmx:
        return render(request, "shop/desk/queue.html", {"error": error, **_queue_context(store)})
    if error:
        messages.error(request, error)
    return redirect(f"{reverse('pickup:desk')}?store={store.code}")


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
