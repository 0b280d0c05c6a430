import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from inventory.models import Reservation
from shop.orders.models import HandoverAttempt, Order, OrderStatus
from tests import factories
from tests.orders.helpers import drop_rescues, level, snapshot

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders/"


@pytest.fixture
def api(shopper):
    client = APIClient()
    client.force_authenticate(shopper)
    return client


@pytest.fixture
def staff_api(associate):
    client = APIClient()
    token = Token.objects.create(user=associate)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _body(store, *lines, phone="+49 30 1234567"):
    return {
        "store": store.code,
        "lines": [{"sku": v.sku, "quantity": q} for v, q in lines],
        "phone": phone,
    }


def test_place_order(api, store, jacket, socks):
    response = api.post(ORDERS, _body(store, (jacket, 2), (socks, 1)), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "placed"
    assert data["store"]["code"] == store.code
    assert data["total"] == data["amount_due"] == "104.80"
    assert data["pickup_code"] is None
    assert [(ln["sku"], ln["quantity"]) for ln in data["lines"]] == [
        (jacket.sku, 2),
        (socks.sku, 1),
    ]
    assert level(store, jacket) == (10, 2)


def test_token_auth_and_anonymous(store, jacket, shopper):
    token = Token.objects.create(user=shopper)
    client = APIClient()
    assert client.post(ORDERS, _body(store, (jacket, 1)), format="json").status_code in (401, 403)
    assert client.get(ORDERS).status_code in (401, 403)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.post(ORDERS, _body(store, (jacket, 1)), format="json").status_code == 201


def test_idempotency_key(api, store, jacket):
    body = _body(store, (jacket, 1))
    first = api.post(ORDERS, body, format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    again = api.post(ORDERS, body, format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert Order.objects.count() == 1
    assert level(store, jacket) == (10, 1)
    different = api.post(
        ORDERS, _body(store, (jacket, 3)), format="json", HTTP_IDEMPOTENCY_KEY="abc-123"
    )
    assert different.status_code == 409
    assert different.json() == {
        "detail": f"This Idempotency-Key was used for a different order ({first.json()['number']}).",
        "code": "idempotency_conflict",
    }
    assert Order.objects.count() == 1 and level(store, jacket) == (10, 1)


def test_a_failure_before_the_answer_places_nothing(api, store, jacket, monkeypatch):
    """The database connection is lost after the order was written but before the answer was
    ready: the shopper sees an error, so no order may have been placed behind it. A retry with
    the same key then places it, once."""
    from django.db import OperationalError

    from shop.orders.api import views

    def lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    body = _body(store, (jacket, 1))
    with monkeypatch.context() as patch:
        patch.setattr(views, "prefetch_related_objects", lost)
        api.raise_request_exception = False
        failed = api.post(ORDERS, body, format="json", HTTP_IDEMPOTENCY_KEY="retry-me")
    assert failed.status_code == 500
    assert Order.objects.count() == 0
    assert level(store, jacket) == (10, 0)
    assert not Reservation.objects.exists()

    api.raise_request_exception = True
    retried = api.post(ORDERS, body, format="json", HTTP_IDEMPOTENCY_KEY="retry-me")
    assert retried.status_code == 201
    assert Order.objects.count() == 1 and level(store, jacket) == (10, 1)


def test_shortage_is_409_with_the_short_lines(api, store, jacket, socks):
    elsewhere = factories.StoreFactory()
    factories.stock(elsewhere, jacket, 30)
    response = api.post(ORDERS, _body(store, (jacket, 12), (socks, 1)), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert response.json()["detail"].startswith("Not enough stock at this store")
    [short] = response.json()["short_lines"]
    assert short == {
        "sku": jacket.sku,
        "requested": 12,
        "available": 10,
        "elsewhere": [{"store": elsewhere.code, "name": elsewhere.name, "available": 30}],
    }
    assert not Order.objects.exists() and not Reservation.objects.exists()


BAD = [
    ({"quantity": 0}, "quantity"),
    ({"quantity": -1}, "quantity"),
    ({"quantity": 1.5}, "quantity"),
    ({"quantity": "2"}, "quantity"),
    ({"quantity": True}, "quantity"),
    ({"quantity": 100}, "quantity"),
    ({"quantity": 10**12}, "quantity"),
    ({"sku": "NO-SUCH-SKU"}, "NO-SUCH-SKU"),
]


@pytest.mark.parametrize(("change", "reason"), BAD)
def test_bad_lines_are_400_and_change_nothing(api, store, jacket, change, reason):
    body = _body(store, (jacket, 1))
    body["lines"][0].update(change)
    response = api.post(ORDERS, body, format="json")
    assert response.status_code == 400
    assert reason in str(response.json())
    assert not Order.objects.exists() and level(store, jacket) == (10, 0)


def test_a_refusal_of_the_service_is_400_with_a_code(api, shopper, store, jacket):
    shopper.email = ""
    shopper.save(update_fields=["email"])
    response = api.post(ORDERS, _body(store, (jacket, 1)), format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "The account needs an e-mail address.", "code": "invalid"}
    assert not Order.objects.exists()


def test_line_twice_names_the_sku(api, store, jacket):
    response = api.post(ORDERS, _body(store, (jacket, 1), (jacket, 2)), format="json")
    assert response.status_code == 400
    assert f"SKU {jacket.sku} appears twice" in str(response.json())
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"store": "no-such-store", "lines": [{"sku": "x", "quantity": 1}]},
        {"store": "STORE", "lines": []},
        {"store": "STORE"},
        {"store": "STORE", "lines": "nope"},
        {"lines": [{"sku": "SKU", "quantity": 1}]},
        {},
    ],
)
def test_bad_bodies_are_400(api, store, jacket, body):
    if body.get("store") == "STORE":
        body["store"] = store.code
    if isinstance(body.get("lines"), list) and body["lines"]:
        body["lines"][0]["sku"] = jacket.sku if body["lines"][0]["sku"] == "SKU" else "x"
    response = api.post(ORDERS, body, format="json")
    assert response.status_code == 400
    assert not Order.objects.exists()


def test_store_without_pickup_is_400(api, jacket):
    closed = factories.StoreFactory(pickup_enabled=False)
    factories.stock(closed, jacket, 5)
    response = api.post(ORDERS, _body(closed, (jacket, 1)), format="json")
    assert response.status_code == 400
    assert "does not offer pickup" in str(response.json())
    assert not Order.objects.exists()


def test_bad_phone_is_400(api, store, jacket):
    response = api.post(ORDERS, _body(store, (jacket, 1), phone="call me"), format="json")
    assert response.status_code == 400 and "phone" in response.json()["detail"]


def test_list_and_detail_show_only_own_orders(api, store, jacket, shopper):
    mine = factories.pickup_order(store, [(jacket, 1)], customer=shopper, status="ready")
    theirs = factories.pickup_order(store, [(jacket, 1)])
    numbers = [o["number"] for o in api.get(ORDERS).json()["results"]]
    assert numbers == [mine.number]
    detail = api.get(f"{ORDERS}{mine.number}/").json()
    assert detail["pickup_code"] == mine.pickup_code
    assert [e["to_status"] for e in detail["events"]] == ["placed", "picking", "ready"]
    assert api.get(f"{ORDERS}{theirs.number}/").status_code == 404
    before = snapshot(theirs)
    assert api.post(f"{ORDERS}{theirs.number}/cancel/").status_code == 404
    assert snapshot(theirs) == before


def test_list_query_count(api, store, jacket, shopper, django_assert_max_num_queries):
    for _ in range(5):
        factories.pickup_order(store, [(jacket, 1)], customer=shopper)
    with django_assert_max_num_queries(5):
        assert len(api.get(ORDERS).json()["results"]) == 5


def test_shopper_cancels(api, store, jacket, shopper):
    order = factories.pickup_order(store, [(jacket, 3)], customer=shopper)
    response = api.post(f"{ORDERS}{order.number}/cancel/", {"reason": "zu spät"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert level(store, jacket) == (10, 0)
    again = api.post(f"{ORDERS}{order.number}/cancel/")
    assert again.status_code == 409
    assert "only placed or picking orders can be cancelled" in again.json()["detail"]


def test_shopper_cannot_use_staff_endpoints(api, store, jacket, shopper):
    order = factories.pickup_order(store, [(jacket, 1)], customer=shopper)
    before = snapshot(order)
    response = api.post(f"/api/v1/staff/orders/{order.number}/start-picking/")
    assert response.status_code == 403
    assert snapshot(order) == before


def test_staff_flow(staff_api, store, jacket, socks):
    order = factories.pickup_order(store, [(jacket, 2), (socks, 1)])
    base = f"/api/v1/staff/orders/{order.number}"
    response = staff_api.post(f"{base}/start-picking/")
    assert response.status_code == 200 and response.json()["status"] == "picking"
    assert "pickup_code" not in response.json()
    line = order.lines.get(variant=socks)
    response = staff_api.post(f"{base}/lines/{line.pk}/short/", {"units": 1}, format="json")
    assert response.status_code == 200 and response.json()["total"] == "99.80"
    waiting = staff_api.post(f"{base}/mark-ready/")
    assert waiting.status_code == 409 and waiting.json()["code"] == "order_conflict"
    drop_rescues(order)
    assert staff_api.post(f"{base}/mark-ready/").json()["status"] == "ready"
    wrong = staff_api.post(f"{base}/collect/", {"code": "XXXXXXXX"}, format="json")
    assert wrong.status_code == 400 and "Wrong pickup code" in wrong.json()["detail"]
    assert wrong.json()["code"] == "wrong_pickup_code"
    right = staff_api.post(f"{base}/collect/", {"code": order.pickup_code}, format="json")
    assert right.status_code == 200 and right.json()["status"] == "collected"
    assert level(store, jacket) == (8, 0)
    assert level(store, socks) == (9, 0)  # one not found: counted off the shelf


def test_staff_refusals(staff_api, store, jacket):
    order = factories.pickup_order(store, [(jacket, 2)])
    base = f"/api/v1/staff/orders/{order.number}"
    before = snapshot(order)
    response = staff_api.post(f"{base}/mark-ready/")
    assert response.status_code == 409
    assert "only orders being picked can be marked ready" in response.json()["detail"]
    assert response.json()["code"] == "order_conflict"
    assert staff_api.post(f"{base}/collect/", {"code": order.pickup_code}).status_code == 409
    line = order.lines.get()
    for units in (0, -1, "x", 1.5, 3):
        assert staff_api.post(
            f"{base}/lines/{line.pk}/short/", {"units": units}, format="json"
        ).status_code in (400, 409)
    missing = staff_api.post(f"{base}/lines/999999/short/", {"units": 1}, format="json")
    assert missing.status_code == 404
    assert snapshot(order) == before


def test_staff_rate_limit_is_429(staff_api, store, jacket):
    order = factories.pickup_order(store, [(jacket, 1)], status="ready")
    url = f"/api/v1/staff/orders/{order.number}/collect/"
    for _ in range(5):
        assert staff_api.post(url, {"code": "WRONGWRO"}).status_code == 400
    response = staff_api.post(url, {"code": order.pickup_code})
    assert response.status_code == 429 and int(response["Retry-After"]) > 800
    assert response.json()["code"] == "rate_limited"
    order.refresh_from_db()
    assert order.status == OrderStatus.READY
    assert HandoverAttempt.objects.filter(order=order, success=False).count() == 5


def test_staff_cannot_reach_another_store(staff_api, jacket):
    other = factories.StoreFactory()
    factories.stock(other, jacket, 5)
    theirs = factories.pickup_order(other, [(jacket, 1)], status="ready")
    before = snapshot(theirs)
    base = f"/api/v1/staff/orders/{theirs.number}"
    assert staff_api.get(f"{base}/").status_code == 404
    for step in ("start-picking", "mark-ready", "cancel"):
        assert staff_api.post(f"{base}/{step}/").status_code == 404
    assert staff_api.post(f"{base}/collect/", {"code": theirs.pickup_code}).status_code == 404
    line = theirs.lines.get()
    short = staff_api.post(f"{base}/lines/{line.pk}/short/", {"units": 1}, format="json")
    assert short.status_code == 404
    assert snapshot(theirs) == before
    assert staff_api.get("/api/v1/staff/orders/").json()["results"] == []


def test_schema_lists_the_order_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/orders/",
        "/api/v1/orders/{number}/cancel/",
        "/api/v1/staff/orders/{number}/collect/",
        "/api/v1/staff/orders/{number}/lines/{line_id}/short/",
    ):
        assert path in schema
    assert "Idempotency-Key" in schema


def test_staff_queue_query_count(staff_api, store, jacket, django_assert_max_num_queries):
    for _ in range(6):
        factories.pickup_order(store, [(jacket, 1)])
    with django_assert_max_num_queries(6):
        response = staff_api.get("/api/v1/staff/orders/", {"status": "placed"})
    assert len(response.json()["results"]) == 6
