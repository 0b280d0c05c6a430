"""The catalogue as a shopper sees it: home, product list, product page and store availability."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from inventory.selectors import NearestStock, stores_with_availability
from shop.catalogue.models import Category, Product
from shop.catalogue.selectors import search_suggestions
from shop.recommendations.selectors import also_bought
from shop.storefront.alert_views import alert_context
from shop.storefront.cached_results import product_list_page
from shop.storefront.selectors import (
    SORTS,
    StoreBadge,
    attach_store_badges,
    product_cards,
    variant_picker,
)
from shop.storefront.stockouts import out_of_stock, stockouts_shown
from stores.calendar import schedules_attach
from stores.display import store_calendar_context
from stores.geo import InvalidLocation, Point, parse_point
from stores.models import Store
from stores.promise import annotate_promises
from stores.selectors import store_for_request

HOME_PRODUCTS = 10


@require_safe
def home(request):
    store = store_for_request(request)
    products = list(product_cards().order_by(*SORTS["newest"])[:HOME_PRODUCTS])
    attach_store_badges(products, store)
    stockouts_shown(store=store, product_ids=out_of_stock(products))
    categories = Category.objects.filter(parent=None)
    return render(
        request,
        "shop/home.html",
        {"my_store": store, "products": products, "categories": categories},
    )


@require_safe
def product_list(request):
    store = store_for_request(request)
    page = product_list_page(request=request, store=store)
    if request.htmx and request.htmx.target == "product-results":
        return HttpResponse(page.results.results_html)
    if request.htmx and request.htmx.target == "catalogue-browse":
        return HttpResponse(page.results.browse_html)
    slug = page.form.value("category")
    # the fragments are our own rendering (escaped there)
    context = {
        "my_store": store,
        "form": page.form,
        "category": next((c for c in page.navigation.categories if c.slug == slug), None),
        "store_options_html": mark_safe(page.store_options.html),  # noqa: S308
        "browse_html": mark_safe(page.results.browse_html),  # noqa: S308
    }
    return render(request, "shop/product_list.html", context)


def _product_page(request, slug: str, variant_id: str = "") -> dict:
    """The product, its variants on sale, the selected one (`?variant=`, or `variant_id` for a
    posted form) and where it is in stock."""
    store = store_for_request(request)
    product = get_object_or_404(
        Product.objects.active().select_related("category", "category__parent", "manufacturer"),
        slug=slug,
    )
    variants = list(product.variants.filter(is_active=True))
    images = list(product.images.all())
    if not variants:  # shown, but with nothing to choose or reserve
        return {
            "my_store": store,
            "product": product,
            "variants": [],
            "variant": None,
            "images": images,
        }
    wanted = variant_id or request.GET.get("variant", "")
    # Colour and size pickers (GET `colour` and `size`; without JavaScript the form reloads).
    picker = variant_picker(
        variants=variants,
        images=images,
        store=store,
        variant_id=wanted,
        colour=request.GET.get("colour", "")[:40],
        size=request.GET.get("size", "")[:20],
    )
    if picker is not None:
        variant = picker.variant
        images = picker.images
    else:
        variant = next((v for v in variants if str(v.pk) == wanted), variants[0])
    return {
        "my_store": store,
        "variants": variants,
        "picker": picker if picker and (picker.colours or picker.sizes) else None,
        "images": images,
        **_availability(request, product, variant, store),
        **alert_context(request, variant, store),
    }


def _origin(request, store: Store | None) -> tuple[Point | None, str]:
    """Where distances are measured from: the browser's location if sent, else my store."""
    near = request.GET.get("near")
    if near:
        try:
            return parse_point(near), "location"
        except InvalidLocation:
            pass
    if store is not None:
        return Point(float(store.latitude), float(store.longitude)), "store"
    return None, ""


def _availability(request, product: Product, variant, store: Store | None) -> dict:
    """Every store's units of `variant`, nearest first, and my store's badge taken from that list."""
    origin, origin_kind = _origin(request, store)
    stores = list(stores_with_availability([variant.pk], origin))
    now = timezone.localtime()
    schedules_attach(stores, today=now.date())
    annotate_promises([row for row in stores if row.available > 0 and row.pickup_enabled], at=now)
    for row in stores:
        store_calendar_context(row, now=now)
        row.is_mine = store is not None and row.pk == store.pk
    return {
        "product": product,
        "variant": variant,
        "variant_badge": _variant_badge(stores),
        "availability": _store_rows(stores),
        "origin_kind": origin_kind,
        "near": request.GET.get("near", "") if origin_kind == "location" else "",
    }


def _store_rows(stores: list[Store]) -> list[dict]:
    """The store list as plain dicts: a template reads a dict's key at once, but an object's
    attribute only after a failed key lookup, and the list asks a dozen of every store."""
    return [
        {
            "code": row.code,
            "name": row.name,
            "address": row.address,
            "distance_km": getattr(row, "distance_km", None),
            "is_mine": row.is_mine,
            "available": row.available,
            "open_now": row.open_now,
            "status_text": row.status_text,
            "today_text": row.today_text,
            "ready_text": getattr(row, "ready_text", ""),
            "exceptions_ahead": row.exceptions_ahead[:2],
        }
        for row in stores
    ]


def _variant_badge(stores: list[Store]) -> StoreBadge | None:
    mine = next((row for row in stores if row.is_mine), None)
    if mine is None:
        return None
    nearest = None
    if not mine.available:
        other = next((row for row in stores if row.available and not row.is_mine), None)
        if other is not None:
            nearest = NearestStock(other.pk, other.name, other.city, other.distance_km)
    return StoreBadge(mine.available, nearest)


@require_safe
def product_detail(request, slug):
    context = _product_page(request, slug)
    context["also_bought"] = also_bought(product=context["product"], store=context["my_store"])
    badge = context.get("variant_badge")
    if badge is not None and badge.state == "out-of-stock":
        stockouts_shown(store=context["my_store"], product_ids=[context["product"].pk])
    return render(request, "shop/product_detail.html", context)


@require_safe
def product_availability(request, slug):
    """The htmx partial: every store's stock of one variant, nearest first."""
    context = _product_page(request, slug)
    if context["variant"] is None:
        raise Http404("This product has no variant on sale.")
    response = render(request, "shop/product_detail.html#availability", context)
    if request.htmx:
        product, variant = context["product"], context["variant"]
        response["HX-Replace-Url"] = f"{product.get_absolute_url()}?variant={variant.pk}"
    return response


@require_safe
def search_suggest(request):
    """The htmx partial under the header search: products, categories and brands as typed."""
    text = request.GET.get("q", "").strip()[:100]
    suggestions = search_suggestions(text=text) if len(text) >= 2 else None
    return render(
        request,
        "shop/includes/search_suggestions.html",
        {"suggestions": suggestions, "text": text},
    )
