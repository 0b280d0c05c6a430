"""What the schema promises and the API keeps, case by case (Schemathesis checks it broadly in
test_schemathesis.py): credentials, 404s, paging, declared formats and limits."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from inventory.models import StockMovement
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    return client.get("/api/schema/", {"format": "json"}).json()


def test_missing_credentials_are_401_with_a_challenge():
    client = APIClient()
    for url in ("/api/v1/orders/", "/api/v1/staff/orders/", "/api/v1/returns/"):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token", url
        assert response.json()["detail"]
    feed = client.post("/api/v1/stock/movements/", {"movements": []}, format="json")
    assert feed.status_code == 401
    assert feed["WWW-Authenticate"] == "StoreToken"


def test_a_404_under_api_is_json_also_for_an_unknown_url(client):
    for url in ("/api/v1/no-such-thing/", "/api/nothing", "/api/v1/products/no-such-slug/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json", url
        assert response.json()["detail"]
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("size", ["abc", "0", "-3", "1.5", ""])
def test_a_bad_page_size_is_a_400(client, size):
    response = client.get("/api/v1/products/", {"page_size": size})
    assert response.status_code == 400, response.content
    assert "page_size" in response.json()


def test_page_size_is_cut_to_100_and_page_0_is_refused(client):
    assert client.get("/api/v1/products/", {"page_size": 1000}).status_code == 200
    assert client.get("/api/v1/products/", {"page": 0}).status_code == 400


def test_schema_declares_the_limits_the_api_enforces(schema):
    params = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/v1/products/"]["get"]["parameters"]
    }
    assert params["page"]["minimum"] == 1
    assert (params["page_size"]["minimum"], params["page_size"]["maximum"]) == (1, 100)
    order = schema["components"]["schemas"]["OrderCreateRequest"]["properties"]["lines"]
    assert (order["minItems"], order["maxItems"]) == (1, 50)
    stores = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/v1/stores/"]["get"]["parameters"]
    }
    assert "pattern" in stores["near"]
    hours = schema["components"]["schemas"]["OpeningHours"]["properties"]
    assert "format" not in hours["opens"] and hours["opens"]["pattern"].startswith("^([01]")


def test_every_operation_documents_the_common_errors(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"401", "403", "404", "405"} <= codes, (method, path)
            if "requestBody" in operation:
                assert "415" in codes, (method, path)
            assert "WWW-Authenticate" in operation["responses"]["401"]["headers"]
    post = schema["paths"]["/api/v1/orders/"]["post"]["responses"]["400"]
    refs = {s["$ref"] for s in post["content"]["application/json"]["schema"]["anyOf"]}
    assert refs == {"#/components/schemas/Error", "#/components/schemas/ValidationErrors"}


def test_opening_hours_are_sent_as_declared(client):
    factories.StoreFactory()
    [store] = client.get("/api/v1/stores/").json()["results"]
    assert store["opening_hours"][0]["opens"] == "09:00"


def test_head_of_pages_is_not_405(client):
    assert client.head("/").status_code == 200
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    "occurred_at",
    [
        "0001-01-01T00:00:00Z",
        "2100-01-01T00:00:00Z",
        lambda: (timezone.now() - dt.timedelta(days=400)).isoformat(),
        lambda: (timezone.now() + dt.timedelta(days=400)).isoformat(),
    ],
)
def test_stock_feed_refuses_a_time_more_than_a_year_away(occurred_at):
    store = factories.StoreFactory()
    variant = factories.VariantFactory()
    factories.stock(store, variant, 10)
    before = StockMovement.objects.count()
    when = occurred_at() if callable(occurred_at) else occurred_at
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"StoreToken {factories.store_token(store)}")
    item = {"external_id": "T1", "sku": variant.sku, "kind": "sale", "quantity": 1}
    response = client.post(
        "/api/v1/stock/movements/", {"movements": [{**item, "occurred_at": when}]}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert {(e["index"], e["field"]) for e in response.json()["errors"]} == {(0, "occurred_at")}
    assert StockMovement.objects.count() == before
    recent = (timezone.now() - dt.timedelta(days=300)).isoformat()
    booked = client.post(
        "/api/v1/stock/movements/", {"movements": [{**item, "occurred_at": recent}]}, format="json"
    )
    assert booked.status_code == 200, booked.json()


def test_spectacular_validates_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    assert (tmp_path / "s.yml").read_text().startswith("openapi: 3.")
