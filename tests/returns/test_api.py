from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from inventory.models import StockMovement
from returns.models import ReturnRequest, ReturnStatus
from tests import factories

from .helpers import line_of, on_hand, snapshot


@pytest.fixture
def api():
    return APIClient()


def _start(api, order, lines, **extra):
    api.force_authenticate(order.customer)
    body = {"order_number": order.number, "lines": lines, "reason": "too_small", **extra}
    return api.post("/api/v1/returns/", body, format="json")


def test_shopper_starts_and_reads_a_return_by_sku(api, order, jacket):
    response = _start(api, order, [{"sku": jacket.sku, "quantity": 1}])
    assert response.status_code == 201, response.json()
    code = response.json()["code"]
    assert response.json()["lines"][0]["sku"] == jacket.sku
    assert api.get(f"/api/v1/returns/{code}/").json()["status"] == ReturnStatus.REQUESTED
    assert [r["code"] for r in api.get("/api/v1/returns/").json()["results"]] == [code]


def test_list_has_no_n_plus_one(api, order, jacket, socks, django_assert_max_num_queries):
    _start(api, order, [{"sku": jacket.sku, "quantity": 1}])
    _start(api, order, [{"sku": socks.sku, "quantity": 1}])
    with django_assert_max_num_queries(8):
        assert api.get("/api/v1/returns/").json()["count"] == 2


@pytest.mark.parametrize(
    ("lines", "extra", "fragment"),
    [
        ([], {}, "lines"),
        ([{"sku": "NOPE", "quantity": 1}], {}, "NOPE"),
        ([{"quantity": 1}], {}, "line_id or sku"),
        ([{"line_id": None, "sku": None, "quantity": 0}], {}, "quantity"),
        (None, {"reason": "other"}, "comment"),
        (None, {"lines_quantity": 9}, "can still be returned"),
    ],
)
def test_bad_input_is_a_400_with_the_reason(api, order, socks, lines, extra, fragment):
    if lines is None:
        lines = [{"line_id": line_of(order, socks).pk, "quantity": extra.pop("lines_quantity", 1)}]
    before = snapshot(order)
    response = _start(api, order, lines, **extra)
    assert response.status_code == 400
    assert fragment in str(response.json())
    assert snapshot(order) == before


def test_a_refusal_lists_its_reasons_with_a_code(api, order, socks):
    response = _start(api, order, [{"line_id": line_of(order, socks).pk, "quantity": 9}])
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "return_refused"
    assert body["reasons"] and "can still be returned" in body["reasons"][0]
    assert body["detail"] == " ".join(body["reasons"])


def test_someone_elses_order_is_a_404(api, order, jacket):
    api.force_authenticate(factories.UserFactory())
    response = api.post(
        "/api/v1/returns/",
        {
            "order_number": order.number,
            "lines": [{"sku": jacket.sku, "quantity": 1}],
            "reason": "too_small",
        },
        format="json",
    )
    assert response.status_code == 404
    assert not ReturnRequest.objects.exists()


def test_staff_of_any_store_receive_and_refund(api, order, jacket, associate, other_store):
    code = _start(api, order, [{"sku": jacket.sku, "quantity": 1}]).json()["code"]
    api.force_authenticate(associate)
    response = api.post(
        f"/api/v1/staff/returns/{code}/receive/",
        {"lines": [{"sku": jacket.sku, "condition": "sellable"}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["received_store"] == other_store.code
    assert on_hand(other_store, jacket) == 1
    again = api.post(
        f"/api/v1/staff/returns/{code}/receive/",
        {"lines": [{"sku": jacket.sku, "condition": "sellable"}]},
        format="json",
    )
    assert again.status_code == 400 and "already processed" in again.json()["detail"]
    assert again.json()["code"] == "invalid"
    assert StockMovement.objects.filter(store=other_store).count() == 1

    refund = api.post(
        f"/api/v1/staff/returns/{code}/refund/", {"method": "store_credit"}, format="json"
    )
    assert refund.status_code == 200, refund.json()
    assert Decimal(refund.json()["refund"]["amount"]) == Decimal("49.90")


def test_staff_of_another_store_cannot_touch_a_received_return(api, order, jacket, associate):
    code = _start(api, order, [{"sku": jacket.sku, "quantity": 1}]).json()["code"]
    api.force_authenticate(associate)
    api.post(
        f"/api/v1/staff/returns/{code}/receive/",
        {"lines": [{"sku": jacket.sku, "condition": "sellable"}]},
        format="json",
    )
    api.force_authenticate(factories.staff(factories.StoreFactory()))
    response = api.post(
        f"/api/v1/staff/returns/{code}/refund/", {"method": "store_credit"}, format="json"
    )
    assert response.status_code == 404


def test_shoppers_cannot_use_staff_endpoints(api, order, jacket):
    code = _start(api, order, [{"sku": jacket.sku, "quantity": 1}]).json()["code"]
    response = api.post(
        f"/api/v1/staff/returns/{code}/receive/",
        {"lines": [{"sku": jacket.sku, "condition": "sellable"}]},
        format="json",
    )
    assert response.status_code == 403
