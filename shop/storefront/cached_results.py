"""The product list's results, the store and category navigation and the availability answer,
kept in the shared cache without ever showing stale stock.

An entry records the versions it was built under (`core.versions`): my store's stock version
and, for the products the page shows as not at my store, their stock versions (the "available
at …" hint reads every store), the catalogue's version (search documents, products, prices) and the
navigation's (stores and categories). A request reads the entry and the navigation, then every
version they name in one `get_many`, and uses an entry only while all of them still hold.
Versions are read before the rows they stand for, so a change that commits during a build
leaves the entry under an old version, never the reverse.

What is cached is HTML: the results fragment (cards, pagination) and the browse fragment
(categories, facets, around the results), rendered once from the normalised query; rendering
the grid was the largest part of the page. Nothing per shopper goes in: the fragments hold no
CSRF token, cart or name, and are built from the list's own parameters only, never the raw URL
(whatever else a link carried stays out of what others are served). The rest of the page
(header, cart, store picker with its token) is rendered per request as before.

Clock: the cards show sale prices, which start and end by the clock, so an entry lives at most
until the catalogue's next sale boundary, and at most ENTRY_SECONDS (a version move lost with a
dying process or a flushed cache shows for no longer than that).
"""

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Min, Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer

from core.versions import versions_move, versions_read
from inventory.selectors import product_stock_by_store
from inventory.stock_versions import product_version_key, store_version_key
from shop.catalogue.models import Category, Product, Variant
from shop.catalogue.selectors import no_result_help
from shop.catalogue.versions import CHANGES_KEY, VERSION_KEY
from shop.storefront.forms import MAX_FACET_VALUES, ProductFilterForm, price_labels
from shop.storefront.selectors import (
    attach_store_badges,
    category_descendant_ids,
    product_facets,
    product_search,
)
from shop.storefront.stockouts import out_of_stock, stockouts_shown
from stores.geo import Point
from stores.models import Store

PAGE_SIZE = 48
ENTRY_SECONDS = 300
# Owned by the catalogue (moved there, never initialised here: an absent one reads as "").
CATALOGUE_KEYS = (VERSION_KEY, CHANGES_KEY)
NAVIGATION_KEY = "storefront:navigation"
NAVIGATION_VERSION_KEY = "storefront:navigation:version"
LIST_KEY = "storefront:list:{store}:{language}:{query}"
STORE_OPTIONS_KEY = "storefront:store-options:{store}:{language}"
AVAILABILITY_KEY = "storefront:availability:{slug}:{near}"
SALE_BOUNDARY_KEY = "storefront:sale-boundary:{version}"
LIST_PARAMETERS = ("q", "category", "in_stock", "sort", "brand", "size", "colour", "price", "page")
# `near` is rounded to 0.01° (about 1 km): shoppers close together share one answer.
NEAR_DIGITS = 2


@dataclass
class Navigation:
    """The store picker's stores and every category (each with its `parent` attached)."""

    stores: list[Store]
    categories: list[Category]
    version: str


@dataclass
class StoreOptions:
    """The store picker's options with my store selected (rendering 50 stores cost more than
    the rest of the page around the cached results)."""

    html: str
    version: str  # the navigation's


@dataclass
class ListPage:
    results: "ListResults"
    navigation: Navigation
    store_options: StoreOptions
    form: ProductFilterForm


@dataclass
class ListResults:
    results_html: str
    browse_html: str
    stockouts: list[int]  # the products shown as not at my store
    versions: dict[str, str]
    until: float  # a timestamp: the next sale boundary, or ENTRY_SECONDS after the build


def navigation_changed(**_kwargs: Any) -> None:
    """A store or category was written (receiver of their save and delete signals)."""
    versions_move([NAVIGATION_VERSION_KEY])


def navigation_receivers_connect() -> None:
    for model in (Store, Category):
        post_save.connect(navigation_changed, sender=model, dispatch_uid=f"nav-{model.__name__}")
        post_delete.connect(navigation_changed, sender=model, dispatch_uid=f"nav-{model.__name__}")


def _still_valid(entry: object, versions: dict[str, str]) -> bool:
    recorded = getattr(entry, "versions", None)
    return isinstance(recorded, dict) and all(versions.get(k) == v for k, v in recorded.items())


def _navigation(found: object, version: str) -> Navigation:
    if isinstance(found, Navigation) and found.version == version:
        return found
    stores = list(Store.objects.active().only("code", "name", "city").order_by("city", "name"))
    categories = list(Category.objects.all())
    by_id = {c.pk: c for c in categories}
    for category in categories:
        if category.parent_id is not None:
            category.parent = by_id[category.parent_id]
    navigation = Navigation(stores=stores, categories=categories, version=version)
    cache.set(NAVIGATION_KEY, navigation, ENTRY_SECONDS)
    return navigation


def canonical_query(query: QueryDict) -> QueryDict:
    """The list's parameters in one order with everything else dropped: the cache key, and the
    only query the cached fragments are built from."""
    clean = QueryDict(mutable=True)
    for name in LIST_PARAMETERS:
        values = sorted({v.strip()[:100] for v in query.getlist(name) if v and v.strip()})
        if values:
            clean.setlist(name, values[:MAX_FACET_VALUES])
    return clean


def _query_without(query: QueryDict, *names: str) -> str:
    query = query.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _paginate(products: QuerySet[Product], number: str | None, count: int) -> Page:
    """The page of `products`, its card columns computed for the page's rows only.

    The price range and picture are subqueries; with LIMIT … OFFSET PostgreSQL computes them
    for every row it skips too, so page 50 cost twenty times page 1. The page's ids are chosen
    in a subquery (same filters and order, no card columns) and only those rows are loaded.
    """
    paginator = Paginator(products, PAGE_SIZE)
    paginator.__dict__["count"] = count  # known already (the facet counts): no COUNT query
    page = paginator.get_page(number)
    ids = page.object_list.values("pk")  # type: ignore[attr-defined]
    page.object_list = list(products.filter(pk__in=ids))
    return page


def _next_sale_boundary(now: datetime, catalogue: str) -> float | None:
    """The next moment (a timestamp) a sale starts or ends; kept under the `catalogue` version
    (which price writes move) until it passes."""
    key = SALE_BOUNDARY_KEY.format(version=hashlib.sha256(catalogue.encode()).hexdigest()[:32])
    found = cache.get(key)
    if not isinstance(found, float) or 0 < found <= now.timestamp():
        moments = Variant.objects.filter(is_active=True, sale_price__isnull=False).aggregate(
            start=Min("sale_from", filter=Q(sale_from__gt=now)),
            end=Min("sale_until", filter=Q(sale_until__gt=now)),
        )
        upcoming = [moment.timestamp() for moment in moments.values() if moment is not None]
        found = min(upcoming, default=0.0)
        cache.set(key, found, _seconds_until(found or None, now))
    return found or None


def _seconds_until(moment: float | None, now: datetime) -> int:
    """How long something built at `now` may be kept: ENTRY_SECONDS, or less until `moment`."""
    if moment is None:
        return ENTRY_SECONDS
    return max(1, min(ENTRY_SECONDS, math.ceil(moment - now.timestamp())))


def product_list_page(*, request: HttpRequest, store: Store | None) -> ListPage:
    """The list or search page's fragments for `request` (from the cache while still valid),
    the navigation, the store picker's options and the filter form; tells insight which
    stock-outs were shown, also when the fragments came from the cache (its counters count
    showings)."""
    query = canonical_query(request.GET)
    language = translation.get_language() or ""
    digest = hashlib.sha256(query.urlencode().encode()).hexdigest()[:32]
    store_id = store.pk if store is not None else None
    key = LIST_KEY.format(store=store_id or "-", language=language, query=digest)
    options_key = STORE_OPTIONS_KEY.format(store=store_id or "-", language=language)
    found = cache.get_many([key, NAVIGATION_KEY, options_key])
    entry = found.get(key)
    fixed = [NAVIGATION_VERSION_KEY] + ([store_version_key(store_id)] if store_id else [])
    recorded = list(entry.versions) if isinstance(entry, ListResults) else []
    versions = versions_read([*fixed, *recorded], foreign=CATALOGUE_KEYS)
    navigation = _navigation(found.get(NAVIGATION_KEY), versions[NAVIGATION_VERSION_KEY])
    options = found.get(options_key)
    if not (isinstance(options, StoreOptions) and options.version == navigation.version):
        html = render_to_string(
            "shop/product_list.html#store_options",
            {"stores": navigation.stores, "my_store": store},
        )
        options = StoreOptions(html=html, version=navigation.version)
        cache.set(options_key, options, ENTRY_SECONDS)
    form = ProductFilterForm(query)
    now = timezone.now()
    # the clock is checked here too, not only by the cache's TTL (which a frozen or skewed
    # clock would not follow)
    if not (
        isinstance(entry, ListResults)
        and _still_valid(entry, versions)
        and now.timestamp() < entry.until
    ):
        entry = _build(
            now=now,
            store=store,
            query=query,
            form=form,
            categories=navigation.categories,
            versions={k: versions[k] for k in [*fixed, *CATALOGUE_KEYS]},
        )
        cache.set(key, entry, _seconds_until(entry.until, now))
    stockouts_shown(store=store, product_ids=entry.stockouts)
    return ListPage(results=entry, navigation=navigation, store_options=options, form=form)


def _build(
    *,
    now: datetime,
    store: Store | None,
    query: QueryDict,
    form: ProductFilterForm,
    categories: list[Category],
    versions: dict[str, str],
) -> ListResults:
    """Search, count, page, badges and both fragments."""
    boundary = _next_sale_boundary(now, ":".join(versions[k] for k in CATALOGUE_KEYS))
    category = next((c for c in categories if c.slug == form.value("category")), None)
    store_id = store.pk if store is not None else None
    in_stock_store_id = store_id if form.value("in_stock") else None
    filters = form.filters()
    category_ids = category_descendant_ids(categories, category) if category else None
    search = product_search(
        query=form.value("q"),
        category_ids=category_ids,
        in_stock_store_id=in_stock_store_id,
        filters=filters,
        sort=form.value("sort"),
    )
    facets = product_facets(
        query=search.query,
        categories=categories,
        category_ids=category_ids,
        filters=filters,
        in_stock_store_id=in_stock_store_id,
        store_id=store_id,
        price_labels=price_labels(),
    )
    page = _paginate(search.products, query.get("page"), count=facets.total)
    products: list[Product] = page.object_list  # type: ignore[assignment]
    if store is not None and products:
        # before the badges' rows: the "available at …" hint reads every store's stock
        product_versions = versions_read([product_version_key(p.pk) for p in products])
        attach_store_badges(products, store)
        for product in products:
            if not product.badge.units:  # type: ignore[attr-defined]
                key = product_version_key(product.pk)
                versions[key] = product_versions[key]
    help_ = None
    if search.query is not None and not products:
        help_ = no_result_help(search.query)
    for c in categories:  # a display attribute for the category list
        c.facet_count = facets.categories.get(c.pk, 0)  # type: ignore[attr-defined]
    encoded = query.urlencode()
    context = {
        "search": search.query,
        "no_result_help": help_,
        "facets": facets,
        "filters": filters,
        "in_stock_without_store": bool(form.value("in_stock") and not store),
        "query_without_category": _query_without(query, "category", "page"),
        "my_store": store,
        "form": form,
        "page": page,
        "category": category,
        "top_categories": [c for c in categories if c.parent_id is None],
        "subcategories": [c for c in categories if category and c.parent_id == category.pk],
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "query_without_page": _query_without(query, "page"),
        "browse_path": reverse("shop:product_list") + (f"?{encoded}" if encoded else ""),
    }
    # Rendered without the request: no context processor (cart, user, token) can reach them.
    results_html = render_to_string("shop/product_list.html#results", context)
    context["results_html"] = results_html
    entry = ListResults(
        results_html=results_html,
        browse_html=render_to_string("shop/product_list.html#browse", context),
        stockouts=out_of_stock(products),
        versions=versions,
        until=min(boundary or math.inf, now.timestamp() + ENTRY_SECONDS),
    )
    return entry


@dataclass
class _Availability:
    product_id: int
    body: bytes  # the JSON as the API's renderer writes it: unpickling the rows cost more
    versions: dict[str, str]


def product_availability(*, slug: str, near: Point | None) -> bytes | None:
    """The availability API's answer as JSON (the documented shape,
    ProductAvailabilitySerializer) from the cache while the product's stock, the catalogue and
    the stores have not changed; None for a product that is not on sale. `near` is rounded to
    NEAR_DIGITS."""
    if near is not None:
        near = Point(round(near.lat, NEAR_DIGITS), round(near.lng, NEAR_DIGITS))
    key = AVAILABILITY_KEY.format(
        slug=slug,
        near="-" if near is None else f"{near.lat:.{NEAR_DIGITS}f},{near.lng:.{NEAR_DIGITS}f}",
    )
    entry = cache.get(key)
    if isinstance(entry, _Availability):
        product_id: int | None = entry.product_id
    else:
        product_id = Product.objects.active().filter(slug=slug).values_list("pk", flat=True).first()
        if product_id is None:
            return None
    assert product_id is not None
    fixed = [product_version_key(product_id), NAVIGATION_VERSION_KEY]
    versions = versions_read(fixed, foreign=CATALOGUE_KEYS)
    if isinstance(entry, _Availability) and _still_valid(entry, versions):
        return entry.body
    variants, stock = product_stock_by_store(slug, near)
    skus = [(v.pk, v.sku) for v in variants]
    answer = {
        "product": slug,
        "variants": [{"sku": v.sku, "label": v.label} for v in variants],
        "stores": [
            {
                "code": store.code,
                "name": store.name,
                "city": store.city,
                "pickup_enabled": store.pickup_enabled,
                "distance_km": None if store.distance_km is None else round(store.distance_km, 1),
                "total": store.total,
                "available": {sku: store.units.get(pk, 0) for pk, sku in skus},
            }
            for store in stock
        ],
    }
    body = JSONRenderer().render(answer)
    cache.set(key, _Availability(product_id, body, versions), ENTRY_SECONDS)
    return body
