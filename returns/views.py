"""Shopper pages: start a return from a collected order, see it with its code, QR and timeline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.qr import qr_svg_data_uri
from shop.orders.models import Order, OrderStatus
from stores.geo import Point
from stores.selectors import store_for_request, stores_near

from . import selectors
from .codes import return_code_format
from .errors import ReturnError, ReturnRefused
from .forms import ReturnStartForm
from .models import ReturnStatus
from .services import (
    return_cancel,
    return_request_create,
    return_window_ends,
)


@login_required
def return_list(request):
    returns = selectors.returns_for_customer(request.user)
    return render(request, "returns/list.html", {"returns": returns})


@login_required
def return_start(request, order_public_id):
    order = get_object_or_404(Order, public_id=order_public_id, customer=request.user)
    if order.status != OrderStatus.COLLECTED:
        raise Http404
    if request.method == "POST":
        done = selectors.return_for_token(request.user, request.POST.get("token", ""))
        if done is not None:
            return redirect(done)
    returnable = [item for item in selectors.returnable_lines(order) if item.returnable]
    form = ReturnStartForm(request.POST or None, returnable=returnable)
    if request.method == "POST" and form.is_valid():
        try:
            ret = return_request_create(
                order=order,
                lines=form.lines(),
                reason=form.cleaned_data["reason"],
                comment=form.cleaned_data["comment"],
                actor=request.user,
                idempotency_key=form.cleaned_data["token"],
            )
        except ReturnRefused as exc:
            for reason in exc.reasons:
                form.add_error(None, reason)
        except ReturnError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(ret)
    return render(
        request,
        "returns/start.html",
        {
            "order": order,
            "form": form,
            "window_ends": return_window_ends(order=order),
            "window_open": selectors.can_start_return(order),
        },
    )


def _return_for_shopper(request, public_id):
    return get_object_or_404(selectors.returns_for_customer(request.user), public_id=public_id)


@login_required
def return_detail(request, public_id):
    ret = _return_for_shopper(request, public_id)
    my_store = store_for_request(request)
    origin = Point(float(my_store.latitude), float(my_store.longitude)) if my_store else None
    context = {
        "ret": ret,
        "code_display": return_code_format(ret.code),
        "stores": stores_near(origin)[:5] if ret.status == ReturnStatus.REQUESTED else [],
        "my_store": my_store,
    }
    if ret.status == ReturnStatus.REQUESTED:
        context["qr"] = qr_svg_data_uri(ret.code)
    return render(request, "returns/detail.html", context)


@login_required
@require_POST
def return_cancel_view(request, public_id):
    ret = _return_for_shopper(request, public_id)
    try:
        return_cancel(ret=ret, actor=request.user)
    except ReturnError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your return was cancelled."))
    return redirect(ret)
