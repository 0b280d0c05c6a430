"""Store pages for associates and managers: take a stock count, approve it, see low stock."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stores.selectors import is_store_manager, staff_stores

from .counts import (
    stock_count_approve,
    stock_count_reject,
    stock_count_take,
)
from .errors import CountError
from .forms import CountForm
from .models import CountStatus, StockCount
from .selectors import low_stock_for_staff


def _counts_for(user):
    return StockCount.objects.filter(store__in=staff_stores(user=user)).select_related(
        "store", "created_by"
    )


@staff_member_required
def count_new(request):
    form = CountForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            count = stock_count_take(
                store=form.cleaned_data["store"],
                user=request.user,
                counted=form.cleaned_data["counted"],
                note=form.cleaned_data["note"],
            )
        except CountError as error:
            form.add_error(None, str(error))
        else:
            if count.status == CountStatus.APPLIED:
                messages.success(request, _("Count applied: the stock has been corrected."))
            else:
                messages.warning(
                    request,
                    _("Large variances: the count waits for a manager's approval."),
                )
            return redirect("stock:count_detail", public_id=count.public_id)
    recent = _counts_for(request.user)[:20]
    return TemplateResponse(request, "inventory/count_new.html", {"form": form, "recent": recent})


@staff_member_required
def count_detail(request, public_id):
    count = get_object_or_404(_counts_for(request.user), public_id=public_id)
    lines = count.lines.select_related("variant__product").order_by("variant__sku")
    context = {
        "count": count,
        "lines": lines,
        "can_decide": count.status == CountStatus.SUBMITTED
        and is_store_manager(user=request.user, store=count.store),
    }
    return TemplateResponse(request, "inventory/count_detail.html", context)


@staff_member_required
@require_POST
def count_decide(request, public_id):
    count = get_object_or_404(_counts_for(request.user), public_id=public_id)
    approve = request.POST.get("decision") == "approve"
    try:
        (stock_count_approve if approve else stock_count_reject)(count=count, user=request.user)
    except CountError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Count approved and applied.") if approve else _("Count rejected.")
        )
    return redirect("stock:count_detail", public_id=count.public_id)


@staff_member_required
def low_stock(request):
    rows = low_stock_for_staff(request.user)[:500]
    return TemplateResponse(request, "inventory/low_stock.html", {"rows": rows})
