"""The returns desk: a tablet page at the counter of any store of the chain.

Who sees what: the desk lists the returns received at the associate's store. Any associate
can find a return (or a collected order, to start one at the counter) by its exact return
code, order number or the shopper's loyalty card; that is how a parcel is received in a
store that is not the pickup store. Once received, a return belongs to the receiving store:
staff of other stores get a 404.
"""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.templatetags.money import format_money
from payments.selectors import paid_online
from stores.desk import desk_store_for_request, desk_stores
from stores.selectors import is_store_manager

from . import selectors
from .errors import ReturnError, ReturnRefused
from .forms import CloseForm, LookupForm, ReceiveForm, RefundForm, ReturnStartForm
from .models import ReturnRequest, ReturnStatus
from .services import (
    return_close,
    return_receive,
    return_refund,
    return_request_create,
    return_window_ends,
)


def _desk_return(request, public_id) -> ReturnRequest:
    ret = get_object_or_404(selectors.with_details(ReturnRequest.objects), public_id=public_id)
    store = desk_store_for_request(request)
    if ret.received_store_id not in (None, store.pk) and not request.user.is_superuser:
        raise Http404
    return ret


@staff_member_required
def desk(request):
    stores = desk_stores(request)
    store = desk_store_for_request(request, stores)
    form = LookupForm(request.GET or None)
    found = order = None
    if "q" in request.GET and form.is_valid():
        query = form.cleaned_data["q"]
        found = selectors.return_lookup(query)
        if len(found) == 1:
            return redirect("returns:desk_return", public_id=found[0].public_id)
        order = selectors.collected_order_by_number(query)
    recent = selectors.returns_for_staff(request.user).filter(received_store=store)[:20]
    return render(
        request,
        "returns/desk/index.html",
        {
            "store": store,
            "stores": stores,
            "form": form,
            "found": found,
            "order": order,
            "recent": recent,
        },
    )


@staff_member_required
def desk_start(request, order_number):
    """A shopper came without a return code: start the return at the counter."""
    store = desk_store_for_request(request)
    order = selectors.collected_order_by_number(order_number)
    if order is None:
        raise Http404
    if request.method == "POST":
        done = selectors.return_for_token(order.customer, request.POST.get("token", ""))
        if done is not None:
            return redirect("returns:desk_return", public_id=done.public_id)
    returnable = [item for item in selectors.returnable_lines(order) if item.returnable]
    manager = is_store_manager(user=request.user, store=store)
    form = ReturnStartForm(request.POST or None, returnable=returnable, allow_override=manager)
    if request.method == "POST" and form.is_valid():
        try:
            ret = return_request_create(
                order=order,
                lines=form.lines(),
                reason=form.cleaned_data["reason"],
                comment=form.cleaned_data["comment"],
                actor=request.user,
                store=store,
                override_reason=form.cleaned_data.get("override_reason", ""),
                idempotency_key=form.cleaned_data["token"],
            )
        except ReturnRefused as exc:
            for reason in exc.reasons:
                form.add_error(None, reason)
            if exc.overridable:
                form.add_error(
                    "override_reason", _("A manager may accept it with a written reason.")
                )
        except ReturnError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("returns:desk_return", public_id=ret.public_id)
    return render(
        request,
        "returns/desk/start.html",
        {
            "store": store,
            "order": order,
            "form": form,
            "window_ends": return_window_ends(order=order),
            "manager": manager,
        },
    )


@staff_member_required
def desk_return(request, public_id):
    ret = _desk_return(request, public_id)
    store = desk_store_for_request(request)
    context = {"ret": ret, "store": store}
    if ret.status == ReturnStatus.REQUESTED:
        context["receive_form"] = ReceiveForm(lines=list(ret.lines.all()))
    elif ret.status == ReturnStatus.RECEIVED:
        context["refund_form"] = RefundForm(paid_online=paid_online(order=ret.order))
        context["close_form"] = CloseForm()
    return render(request, "returns/desk/return.html", context)


@staff_member_required
@require_POST
def desk_receive(request, public_id):
    ret = _desk_return(request, public_id)
    store = desk_store_for_request(request)
    form = ReceiveForm(request.POST, lines=list(ret.lines.all()))
    if form.is_valid():
        try:
            return_receive(ret=ret, store=store, actor=request.user, inspections=form.inspections())
        except ReturnError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Return %(code)s received.") % {"code": ret.code})
            return redirect("returns:desk_return", public_id=ret.public_id)
    return render(
        request, "returns/desk/return.html", {"ret": ret, "store": store, "receive_form": form}
    )


@staff_member_required
@require_POST
def desk_refund(request, public_id):
    ret = _desk_return(request, public_id)
    form = RefundForm(request.POST, paid_online=paid_online(order=ret.order))
    if not form.is_valid():
        messages.error(request, _("Please choose how the money is refunded."))
    else:
        try:
            refund = return_refund(
                ret=ret,
                store=desk_store_for_request(request),
                method=form.cleaned_data["method"],
                actor=request.user,
            )
        except ReturnError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("%(amount)s refunded.") % {"amount": format_money(refund.amount)}
            )
    return redirect(reverse("returns:desk_return", kwargs={"public_id": ret.public_id}))


@staff_member_required
@require_POST
def desk_close(request, public_id):
    ret = _desk_return(request, public_id)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please say why the return is closed without a refund."))
    else:
        try:
            return_close(
                ret=ret,
                store=desk_store_for_request(request),
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except ReturnError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Return closed without a refund."))
    return redirect(reverse("returns:desk_return", kwargs={"public_id": ret.public_id}))
