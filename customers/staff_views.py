"""The staff's customer 360: search, the customer page, the managers' access audit."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from accounts.models import User
from stores.desk import desk_store_for_request, desk_stores

from .errors import CustomerError
from .forms import CustomerSearchForm
from .services.access import access_audit, customer_open, customer_search


@login_required
@require_GET
def search(request):
    stores = desk_stores(request)
    store = desk_store_for_request(request, stores)
    form = CustomerSearchForm(request.GET or None)
    found, status = None, 200
    if form.is_bound:
        if form.is_valid():
            try:
                found = customer_search(
                    staff=request.user, store=store, query=form.cleaned_data["q"]
                )
            except CustomerError as error:
                form.add_error("q", str(error))
                status = error.http_status
        else:
            status = 400
    return render(
        request,
        "customers/staff/search.html",
        {"form": form, "found": found, "store": store, "stores": stores},
        status=status,
    )


@login_required
@require_GET
def customer(request, pk):
    stores = desk_stores(request)
    store = desk_store_for_request(request, stores)
    person = get_object_or_404(User, pk=pk)
    try:
        view = customer_open(
            staff=request.user, store=store, customer=person, page=request.GET.get("from", "")
        )
    except CustomerError as error:
        return render(
            request,
            "customers/staff/refused.html",
            {"error": error, "store": store},
            status=error.http_status if error.http_status != 400 else 404,
        )
    return render(request, "customers/staff/customer.html", {"view": view, "store": store})


@login_required
@require_GET
def audit(request):
    desk_stores(request)
    try:
        rows = access_audit(viewer=request.user)
    except CustomerError as error:
        return render(
            request, "customers/staff/refused.html", {"error": error}, status=error.http_status
        )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "customers/staff/audit.html", {"page": page})
