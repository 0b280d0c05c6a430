"""Store pages for associates and managers: take a stock count, approve it, see low stock."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from shop.catalogue.models import Variant
from stores.selectors import is_store_manager, staff_stores

from .counts import (
    stock_count_approve,
    stock_count_reject,
    stock_count_take,
)
from .errors import CountError
from .forms import CountForm
from .models import CountStatus, StockCount
from .selectors import count_lines_with_value, counts_awaiting_approval, low_stock_for_staff


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
    context = {
        "form": form,
        "recent": recent,
        "waiting": list(counts_awaiting_approval(request.user)[:50]),
    }
    return TemplateResponse(request, "inventory/count_new.html", context)


@staff_member_required
@require_safe
def count_lookup(request):
    """The variant a scanned EAN (or typed SKU) stands for, for the count page's live list.

    No stock figures: a count is blind, so the associate counts what is there.
    """
    code = request.GET.get("code", "").strip()
    variant = (
        Variant.objects.filter(Q(ean=code) | Q(sku__iexact=code))
        .select_related("product")
        .order_by("pk")
        .first()
        if code
        else None
    )
    if variant is None:
        return JsonResponse(
            {"detail": _("No item with the code “%(code)s”.") % {"code": code[:40]}}, status=404
        )
    return JsonResponse(
        {
            "sku": variant.sku,
            "ean": variant.ean,
            "name": variant.product.name,
            "label": variant.label,
        }
    )


@staff_member_required
def count_detail(request, public_id):
    count = get_object_or_404(_counts_for(request.user), public_id=public_id)
    lines = count_lines_with_value(count)
    context = {
        "count": count,
        "lines": lines,
        "variance_units": sum(line.variance for line in lines),
        "variance_value": sum(line.variance_value for line in lines),
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
