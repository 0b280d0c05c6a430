"""Store finder and the choice of "my store"."""

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .calendar import calendar_prefetches
from .display import hours_range, ready_label, store_calendar_context
from .forms import StoreChoiceForm, StoreSearchForm
from .geo import Point
from .models import Store, Weekday
from .promise import earliest_promise
from .selectors import locate, map_url, route_url, store_for_request, stores_near
from .services import my_store_choose


@require_safe
def finder(request):
    my_store = store_for_request(request)
    form = StoreSearchForm(request.GET)
    origin, origin_label, not_found, approximate = None, "", False, False
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if form.cleaned_data["near"]:
            origin, origin_label = form.cleaned_data["near"], _("your location")
        elif query:
            place = locate(query)
            if place is None:
                not_found = True
            else:
                origin, origin_label, approximate = place.point, place.name, place.approximate
    if origin is None and my_store is not None and not not_found:
        origin = Point(float(my_store.latitude), float(my_store.longitude))
        origin_label = my_store.name
    now = timezone.localtime()
    stores = list(stores_near(origin))
    for store in stores:
        store_calendar_context(store, now=now, days_ahead=7)
        store.is_mine = my_store is not None and store.pk == my_store.pk
    context = {
        "my_store": my_store,
        "form": form,
        "stores": stores,
        "origin_label": origin_label,
        "not_found": not_found,
        "approximate": approximate,
        "sorted_by_distance": origin is not None,
    }
    if request.htmx and request.htmx.target == "store-results":
        return render(request, "stores/finder.html#results", context)
    return render(request, "stores/finder.html", context)


@require_safe
def promise(request):
    """The pickup promise of the top bar and the home page, as a text fragment: "today" only
    when the shopper's store (or, with none chosen, some pickup store) can still make it today."""
    my_store = store_for_request(request)
    stores = list(
        Store.objects.pickup().filter(pk=my_store.pk)
        if my_store is not None and my_store.pickup_enabled
        else Store.objects.pickup()
    )
    now = timezone.localtime()
    prefetch_related_objects(stores, *calendar_prefetches())
    earliest = earliest_promise(stores, at=now)
    long = bool(request.GET.get("long"))
    if earliest is None:
        text = _("Reserve online – pick up in your store, free of charge")
    elif earliest.date() == now.date():
        if long:
            text = (
                _("%(ready)s at %(store)s if you reserve now.")
                % {"ready": ready_label(earliest, now), "store": my_store.name}
                if my_store is not None
                else _("%(ready)s if you reserve now.") % {"ready": ready_label(earliest, now)}
            )
        else:
            text = _("Reserve online – pick up in your store today, free of charge")
    elif long and my_store is not None:
        text = _("%(ready)s at %(store)s if you reserve now.") % {
            "ready": ready_label(earliest, now),
            "store": my_store.name,
        }
    elif long:
        text = _("%(ready)s if you reserve now.") % {"ready": ready_label(earliest, now)}
    else:
        text = _("Reserve online, free of charge. %(ready)s.") % {
            "ready": ready_label(earliest, now)
        }
    response = HttpResponse(escape(text))
    response["Cache-Control"] = "private, max-age=60"
    return response


@require_safe
def detail(request, code):
    """One store's page: address, phone, the coming days' hours, special days, route."""
    store = get_object_or_404(stores_near(None), code=code)
    now = timezone.localtime()
    store_calendar_context(store, now=now, days_ahead=7)
    my_store = store_for_request(request)
    hours = list(store.opening_hours.all())
    week = [
        (label, ", ".join(hours_range(h.opens, h.closes) for h in hours if h.weekday == day))
        for day, label in Weekday.choices
    ]
    context = {
        "store": store,
        "my_store": my_store,
        "is_mine": my_store is not None and my_store.pk == store.pk,
        "week": week,
        "route_url": route_url(store),
        "map_url": map_url(store),
    }
    return render(request, "stores/detail.html", context)


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
