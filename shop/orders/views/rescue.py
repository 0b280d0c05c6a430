"""The shopper's answers after a short pick, and the named collector's pickup page.

Both work through signed links (from the e-mail, forwardable for the collector); the rescue link
also appears on the order page of the signed-in owner. Every choice goes through
`order_rescue_choose`, as the API's does.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.qr import qr_svg_inline
from shop.orders.errors import OrderError
from shop.orders.links import collector_token_read, rescue_token_read
from shop.orders.models import Order, OrderStatus, RescueChoice, ShortPickRescue
from shop.orders.pickup_codes import pickup_code_format
from shop.orders.selectors.orders import orders_for_customer
from shop.orders.selectors.rescue import rescue_stores
from shop.orders.services.collector import order_collector_set
from shop.orders.services.rescue import order_rescue_choose
from stores.models import Store


def _rescue_for_token(token: str) -> ShortPickRescue:
    found = rescue_token_read(token)
    if found is None:
        raise Http404
    rescue_id, public_id = found
    return get_object_or_404(
        ShortPickRescue.objects.select_related(
            "order__store", "order__customer", "line", "rescue_order__store"
        ),
        pk=rescue_id,
        order__public_id=public_id,
    )


@require_http_methods(["GET", "POST"])
def order_rescue(request, token):
    """Choose what happens to the missing units: GET shows the choices (a link from the e-mail
    preselects one, but only a POST decides, so a mail scanner opening links changes nothing)."""
    rescue = _rescue_for_token(token)
    order = rescue.order
    error = ""
    if request.method == "POST":
        store = None
        if request.POST.get("store"):
            store = (
                Store.objects.filter(pk=request.POST["store"]).first()
                if request.POST["store"].isdigit()
                else None
            )
            if store is None:
                error = _("Please choose one of the offered stores.")
        if not error:
            try:
                rescue = order_rescue_choose(
                    rescue=rescue,
                    choice=request.POST.get("choice", ""),
                    actor=order.customer,
                    store=store,
                )
            except OrderError as exc:
                error = str(exc)
            else:
                messages.success(request, _("Thank you, your choice is saved."))
                return redirect(request.path)
    context = {
        "rescue": rescue,
        "order": order,
        "line": rescue.line,
        "stores": rescue_stores(rescue=rescue) if rescue.is_open else [],
        "preselected": request.GET.get("choice", ""),
        "error": error,
        "owner": request.user.is_authenticated and request.user.pk == order.customer_id,
        "choices": RescueChoice,
    }
    return TemplateResponse(
        request, "shop/orders/rescue.html", context, status=400 if error else 200
    )


def order_collect_link(request, token):
    """The named collector's page: their own pickup code and QR, the store, the order's state."""
    found = collector_token_read(token)
    if found is None:
        raise Http404
    public_id, code = found
    order = get_object_or_404(
        Order.objects.select_related("store"), public_id=public_id, collector_code=code
    )
    if not code:
        raise Http404
    context = {
        "order": order,
        "store": order.store,
        "code": pickup_code_format(order.collector_code),
        "qr_svg": qr_svg_inline(order.collector_code, title=_("Pickup code"), dark="#1d2733"),
        "is_ready": order.status == OrderStatus.READY,
    }
    return TemplateResponse(request, "shop/orders/collect_link.html", context)


@login_required
@require_POST
def order_collector_view(request, public_id):
    order = get_object_or_404(orders_for_customer(request.user), public_id=public_id)
    try:
        order_collector_set(
            order=order,
            actor=request.user,
            name=request.POST.get("collector_name", ""),
            email=request.POST.get("collector_email", ""),
        )
    except OrderError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved: who collects the order."))
    return redirect(order)
