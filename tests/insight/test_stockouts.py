"""Stock-outs at "my store" badges: every page that shows a shopper "not available at my store"
adds one to today's counter of that product and store, in one statement; the dashboard shows
them per store and category."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from insight import selectors
from insight.models import StockoutShown
from insight.selectors import Period
from stores.models import StaffRole
from tests import factories

pytestmark = pytest.mark.django_db


def choose_store(client, store):
    response = client.post(reverse("stores:choose"), {"store": store.code, "next": "/"})
    assert response.status_code == 302


def counters(store):
    return dict(StockoutShown.objects.filter(store=store).values_list("product_id", "shown"))


def upserts(queries):
    return [q["sql"] for q in queries if "insight_stockoutshown" in q["sql"]]


def test_badges_shown_are_counted_once_per_page(client, store):
    elsewhere = factories.StoreFactory()
    here = factories.stocked_variant(store, "20.00", units=5)
    gone = factories.stocked_variant(elsewhere, "30.00", units=5)  # none at my store
    also_gone = factories.stocked_variant(elsewhere, "40.00", units=5)
    choose_store(client, store)

    with CaptureQueriesContext(connection) as page:
        assert client.get(reverse("shop:product_list")).status_code == 200
    assert len(upserts(page.captured_queries)) == 1  # one statement for the whole page
    assert counters(store) == {gone.product_id: 1, also_gone.product_id: 1}

    client.get(reverse("shop:product_list"))
    detail = client.get(reverse("shop:product_detail", args=[gone.product.slug]))
    assert detail.status_code == 200
    assert counters(store) == {gone.product_id: 3, also_gone.product_id: 2}
    client.get(reverse("shop:product_detail", args=[here.product.slug]))
    assert here.product_id not in counters(store)  # on the shelf: no badge, nothing counted
    assert not StockoutShown.objects.filter(store=elsewhere).exists()


def test_without_a_store_nothing_is_counted(client, store):
    factories.stocked_variant(factories.StoreFactory(), "30.00", units=5)
    with CaptureQueriesContext(connection) as page:
        client.get(reverse("shop:product_list"))
    assert upserts(page.captured_queries) == []


def test_dashboard_shows_stockouts_per_store_and_category(client, store):
    elsewhere = factories.StoreFactory()
    gone = factories.stocked_variant(elsewhere, "30.00", units=5)
    today = timezone.localdate()
    StockoutShown.objects.create(day=today, store=store, product=gone.product, shown=4)
    StockoutShown.objects.create(
        day=today - dt.timedelta(days=400), store=store, product=gone.product, shown=9
    )
    rows = selectors.stockouts(period=Period(first=today - dt.timedelta(days=29), last=today))
    assert rows == [
        {
            "store_id": store.pk,
            "category_id": gone.product.category_id,
            "shown": 4,
            "products": 1,
        }
    ]
    client.force_login(factories.staff(store, role=StaffRole.MANAGER))
    html = client.get("/insight/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="in-table-stockouts"' in html
    assert gone.product.category.name in html


def test_api_lists_stockouts_with_codes(store):
    from rest_framework.test import APIClient

    gone = factories.stocked_variant(factories.StoreFactory(), "30.00", units=5)
    StockoutShown.objects.create(
        day=timezone.localdate() - dt.timedelta(days=1), store=store, product=gone.product, shown=3
    )
    api = APIClient()
    api.force_authenticate(factories.staff(store, role=StaffRole.MANAGER))
    body = api.get("/api/v1/insight/kpis/").json()
    assert body["kpis"]["stock"]["stockouts"] == [
        {"store": store.code, "category": gone.product.category.slug, "shown": 3, "products": 1}
    ]
