"""Store finder and the choice of "my store"."""

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .forms import StoreChoiceForm, StoreSearchForm
from .geo import Point
from .models import Store, Weekday
from .selectors import locate, store_for_request, stores_near
from .services import my_store_choose


@require_safe
def finder(request):
    my_store = store_for_request(request)
    form = StoreSearchForm(request.GET)
    origin, origin_label, not_found = None, "", False
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if form.cleaned_data["near"]:
            origin, origin_label = form.cleaned_data["near"], _("your location")
        elif query:
            origin = locate(query)
            origin_label, not_found = query, origin is None
    if origin is None and my_store is not None:
        origin = Point(float(my_store.latitude), float(my_store.longitude))
        origin_label = my_store.name
    now = timezone.localtime()
    stores = list(stores_near(origin))
    for store in stores:
        store.today_hours = store.hours_on(now.date())
        store.open_now = store.is_open_at(now)
        store.is_mine = my_store is not None and store.pk == my_store.pk
        store.week = _week(store)
    context = {
        "my_store": my_store,
        "form": form,
        "stores": stores,
        "origin_label": origin_label,
        "not_found": not_found,
        "sorted_by_distance": origin is not None,
    }
    if request.htmx and request.htmx.target == "store-results":
        return render(request, "stores/finder.html#results", context)
    return render(request, "stores/finder.html", context)


def _week(store: Store) -> list[tuple[str, list, bool]]:
    """Each weekday with its opening hours, and whether it is today (for the hours table)."""
    today = timezone.localdate().weekday()
    hours = list(store.opening_hours.all())
    return [
        (label, [h for h in hours if h.weekday == day], day == today)
        for day, label in Weekday.choices
    ]


@require_POST
def choose(request):
    """Make a store "my store" (session, and the account when logged in)."""
    form = StoreChoiceForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Please choose a store."))
    store = get_object_or_404(Store.objects.active(), code=form.cleaned_data["store"])
    my_store_choose(request=request, store=store)
    message = _("%(store)s is now your store.") % {"store": store.name}
    if request.htmx:
        response = render(
            request, "stores/store_chosen.html", {"my_store": store, "message": message}
        )
        response["HX-Trigger"] = "store-changed"
        return response
    messages.success(request, message)
    target = form.cleaned_data["next"]
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("stores:finder")
    return redirect(target)
