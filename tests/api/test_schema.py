import re

import pytest
from django.contrib.staticfiles import finders
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_schema_documents_every_endpoint(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)  # against the OpenAPI 3.0 JSON schema; raises if invalid
    paths = schema["paths"]
    for path in (
        "/api/v1/products/",
        "/api/v1/products/{slug}/",
        "/api/v1/products/{slug}/availability/",
        "/api/v1/stores/",
    ):
        assert "get" in paths[path], path
    listing = paths["/api/v1/products/"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {
        "q",
        "category",
        "brand",
        "in_stock_at",
        "page",
    }
    assert {"200", "400"} <= set(listing["responses"])
    availability = paths["/api/v1/products/{slug}/availability/"]["get"]
    assert {"200", "400", "404"} <= set(availability["responses"])
    assert "near" in {p["name"] for p in availability["parameters"]}


def test_docs_load_their_scripts_and_styles_from_our_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert assets
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset
    assert "cdn" not in html.lower()
