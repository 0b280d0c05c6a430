from decimal import Decimal

import pytest

from inventory.services import stock_reserve
from tests.factories import StoreFactory, product_with_variants, stock

pytestmark = pytest.mark.django_db

BERLIN = {
    "code": "berlin",
    "city": "Berlin",
    "latitude": Decimal("52.521918"),
    "longitude": Decimal("13.413215"),
}
HAMBURG = {
    "code": "hamburg",
    "city": "Hamburg",
    "latitude": Decimal("53.550770"),
    "longitude": Decimal("10.000650"),
}
MUNICH = {
    "code": "muenchen",
    "city": "München",
    "latitude": Decimal("48.138850"),
    "longitude": Decimal("11.568930"),
}


def url(product) -> str:
    return f"/api/v1/products/{product.slug}/availability/"


@pytest.fixture
def chain(db):
    return [StoreFactory(**BERLIN), StoreFactory(**HAMBURG), StoreFactory(**MUNICH)]


def test_units_per_store_and_variant_nearest_first(client, chain):
    berlin, hamburg, _munich = chain
    product = product_with_variants(2)
    small, medium = product.variants.order_by("position", "pk")
    stock(berlin, small, on_hand=5)
    stock(berlin, medium, on_hand=4, safety_buffer=1)
    stock(hamburg, medium, on_hand=2)
    stock_reserve(store_id=berlin.pk, reference="A1", quantities={small.pk: 2})

    response = client.get(url(product), {"near": "53.55,10.0"})  # Hamburg city centre
    assert response.status_code == 200
    stores = response.json()["stores"]
    assert [s["code"] for s in stores] == ["hamburg", "berlin", "muenchen"]
    assert stores[0]["distance_km"] < 1
    assert 250 < stores[1]["distance_km"] < 265  # Hamburg–Berlin as the crow flies
    by_code = {s["code"]: s for s in stores}
    body = response.json()
    assert body["variants"] == [
        {"sku": small.sku, "label": small.label},
        {"sku": medium.sku, "label": medium.label},
    ]
    assert by_code["berlin"]["available"] == {small.sku: 3, medium.sku: 3}
    assert by_code["berlin"]["total"] == 6
    assert by_code["hamburg"]["total"] == 2
    assert by_code["muenchen"]["total"] == 0
    assert by_code["muenchen"]["available"] == {small.sku: 0, medium.sku: 0}


def test_without_near_stores_come_by_name_without_distance(client, chain):
    product = product_with_variants(1)
    stores = client.get(url(product)).json()["stores"]
    assert [s["name"] for s in stores] == sorted(s["name"] for s in stores)
    assert {s["distance_km"] for s in stores} == {None}


def test_inactive_stores_are_left_out(client, chain):
    chain[2].is_active = False
    chain[2].save()
    product = product_with_variants(1)
    assert [s["code"] for s in client.get(url(product)).json()["stores"]] == ["berlin", "hamburg"]


@pytest.mark.parametrize(
    "near", ["abc", "52.5", "52.5,13.4,1", "52.5,east", "91,13", "52,181", "nan,13", "inf,1"]
)
def test_malformed_near_is_400_with_a_reason(client, chain, near):
    product = product_with_variants(1)
    response = client.get(url(product), {"near": near})
    assert response.status_code == 400
    (reason,) = response.json()["near"]
    assert reason


def test_unknown_product_is_404(client, chain):
    response = client.get("/api/v1/products/gibt-es-nicht/availability/", {"near": "52.5,13.4"})
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize(("variants", "stores"), [(1, 2), (6, 12)])
def test_queries_are_constant(client, django_assert_num_queries, variants, stores):
    """Variants and stores with units per variant in one query, however many of each (after
    the product's id, whose stock version is read before its stock); none from the cache."""
    product = product_with_variants(variants)
    for store in StoreFactory.create_batch(stores):
        for variant in product.variants.all():
            stock(store, variant, on_hand=2)
    with django_assert_num_queries(2):
        response = client.get(url(product), {"near": "52.5,13.4"})
    body = response.json()
    assert len(body["stores"]) == stores
    assert {len(s["available"]) for s in body["stores"]} == {variants}
    with django_assert_num_queries(0):
        assert client.get(url(product), {"near": "52.5,13.4"}).json() == body
