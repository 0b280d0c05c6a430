"""Bad input never answers 500 and never writes anything (issue 11, item 2).

Every write endpoint and form gets NUL characters and 200 KB values in each of its fields, and
the JSON endpoints (and the snapshot import) 5,000 levels of nesting. Each must answer 4xx (a
form page may re-render with its error, 200) and leave every domain table as it was. A control
case shows that the unmodified request does write, so the attacks reach the code that writes.
NUL in query strings and path parameters (read endpoints and transitions) is a 400 too.
"""

import json
import re
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from inventory.models import StockCount, StockLevel, StockMovement
from loyalty.models import PointsEntry, StoreCreditEntry
from notifications.models import Notification
from returns.models import ReturnRequest
from shop.orders.models import CartLine, Order
from stores.selectors import SESSION_KEY as MY_STORE_KEY
from tests import factories

pytestmark = pytest.mark.django_db

NUL = "a\x00b"
BIG = "x" * 200_000
DEEP = "[" * 5000 + "]" * 5000
WRITTEN = [
    Order,
    StockMovement,
    StockLevel,
    PointsEntry,
    StoreCreditEntry,
    ReturnRequest,
    CartLine,
    StockCount,
    Notification,
]


def rows() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in WRITTEN}


@dataclass
class Target:
    client: object
    url: str
    data: dict
    kind: str  # "json", "form" or "upload" (the snapshot file)
    string_fields: list[str] = field(default_factory=list)


@pytest.fixture
def world(db):
    store = factories.StoreFactory()
    jacket = factories.stocked_variant(store, "49.90")
    shopper = factories.UserFactory()
    account = factories.loyalty_account(shopper)
    ready = factories.pickup_order(store, [(jacket, 1)], status="ready")
    collected = factories.collected_order(store, [(jacket, 1)], customer=shopper)
    associate = factories.staff(store)
    associate.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_stocklevel", "change_stocklevel"])
    )
    return locals()


def _session_client(user, store=None) -> Client:
    client = Client()
    client.force_login(user)
    if store is not None:
        session = client.session
        session[MY_STORE_KEY] = store.pk
        session.save()
    return client


def _api(user=None, store=None) -> APIClient:
    client = APIClient()
    if store is not None:
        client.credentials(HTTP_AUTHORIZATION=f"StoreToken {factories.store_token(store)}")
    else:
        client.force_authenticate(user)
    return client


def _token(client, url) -> str:
    return re.search(r'name="token" value="([^"]+)"', client.get(url).content.decode()).group(1)


def target(name, w) -> Target:
    store, jacket, shopper = w["store"], w["jacket"], w["shopper"]
    if name == "api_orders":
        return Target(
            _api(shopper),
            "/api/v1/orders/",
            {
                "store": store.code,
                "lines": [{"sku": jacket.sku, "quantity": 1}],
                "phone": "+49 30 1234567",
            },
            "json",
            ["store", "phone", "lines.0.sku"],
        )
    if name == "api_stock_movements":
        return Target(
            _api(store=store),
            "/api/v1/stock/movements/",
            {
                "movements": [
                    {"external_id": "T1", "sku": jacket.sku, "kind": "sale", "quantity": 1}
                ]
            },
            "json",
            ["movements.0.external_id", "movements.0.sku", "movements.0.kind"],
        )
    if name == "api_loyalty_transactions":
        return Target(
            _api(store=store),
            "/api/v1/loyalty/transactions/",
            {"card_number": w["account"].card_number, "amount": "10.00", "receipt_number": "R-1"},
            "json",
            ["card_number", "amount", "receipt_number"],
        )
    if name == "api_returns":
        return Target(
            _api(shopper),
            "/api/v1/returns/",
            {
                "order_number": w["collected"].number,
                "lines": [{"sku": jacket.sku, "quantity": 1}],
                "reason": "too_small",
            },
            "json",
            ["order_number", "lines.0.sku", "reason"],
        )
    if name == "api_staff_collect":
        return Target(
            _api(w["associate"]),
            f"/api/v1/staff/orders/{w['ready'].number}/collect/",
            {"code": w["ready"].pickup_code},
            "json",
            ["code"],
        )
    if name == "checkout":
        client = _session_client(shopper, store)
        client.post(reverse("pickup:cart_add"), {"variant": jacket.pk, "quantity": 1})
        url = reverse("pickup:checkout")
        data = {"store": str(store.pk), "phone": "+49 30 555 0101", "token": _token(client, url)}
        return Target(client, url, data, "form", list(data))
    if name == "cart_add":
        data = {"variant": str(jacket.pk), "quantity": "1"}
        return Target(
            _session_client(shopper, store), reverse("pickup:cart_add"), data, "form", list(data)
        )
    if name == "desk_collect":
        data = {"store": store.code, "code": w["ready"].pickup_code}
        return Target(
            _session_client(w["associate"]),
            reverse("pickup:desk_collect"),
            data,
            "form",
            list(data),
        )
    if name == "returns_desk":
        client = _session_client(w["associate"])
        collected = w["collected"]
        url = reverse("returns:desk_start", args=[collected.number]) + f"?store={store.code}"
        line = collected.lines.get()
        data = {
            "token": _token(client, url),
            "reason": "too_small",
            "comment": "",
            f"qty_{line.pk}": "1",
        }
        return Target(client, url, data, "form", list(data))
    if name == "loyalty_desk":
        data = {
            "store": store.code,
            "card_number": w["account"].card_number,
            "amount": "49.90",
            "receipt_number": "B-77",
        }
        return Target(
            _session_client(w["associate"]),
            reverse("loyalty:desk_purchase"),
            data,
            "form",
            list(data),
        )
    if name == "counts":
        data = {"store": str(store.pk), "lines": f"{jacket.sku};20", "note": "Inventur"}
        return Target(
            _session_client(w["associate"]), reverse("stock:count_new"), data, "form", list(data)
        )
    if name == "snapshot_import":
        data = {"store": store.code, "sku": jacket.sku, "quantity": "7"}
        return Target(
            _session_client(w["associate"]),
            reverse("admin:inventory_stocklevel_import"),
            data,
            "upload",
            list(data),
        )
    raise AssertionError(name)


TARGETS = [
    "api_orders",
    "api_stock_movements",
    "api_loyalty_transactions",
    "api_returns",
    "api_staff_collect",
    "checkout",
    "cart_add",
    "desk_collect",
    "returns_desk",
    "loyalty_desk",
    "counts",
    "snapshot_import",
]


def _set(data, dotted, value):
    data = json.loads(json.dumps(data))
    node = data
    *path, last = dotted.split(".")
    for part in path:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[int(last) if isinstance(node, list) else last] = value
    return data


def send(t: Target, data=None, raw_json: str | None = None):
    data = t.data if data is None else data
    if t.kind == "json":
        body = raw_json if raw_json is not None else json.dumps(data)
        return t.client.post(t.url, body, content_type="application/json")
    if t.kind == "form":
        return t.client.post(t.url, data)
    if raw_json is not None:
        upload = SimpleUploadedFile("snapshot.json", raw_json.encode())
    else:
        text = "store,sku,quantity\n" + ",".join(data[k] for k in ("store", "sku", "quantity"))
        upload = SimpleUploadedFile("snapshot.csv", text.encode())
    return t.client.post(t.url, {"file": upload})


def assert_refused(response, before, *, strict=False, client=None):
    """4xx; a page with a form may also re-render it with its error (200), and the cart's
    no-JavaScript form redirects to the cart, which shows the error."""
    allowed = range(400, 500) if strict else [*range(400, 500), 200]
    if response.status_code == 302 and client is not None and not strict:
        page = client.get(response["Location"])
        assert page.status_code == 200 and 'class="message error"' in page.content.decode()
    else:
        assert response.status_code in allowed, (response.status_code, response.content[:300])
    assert rows() == before


@pytest.mark.parametrize("name", TARGETS)
def test_the_unmodified_request_writes(name, world):
    t = target(name, world)
    before = rows()
    response = send(t)
    assert response.status_code < 400, response.content[:500]
    assert rows() != before


@pytest.mark.parametrize("name", TARGETS)
def test_nul_in_any_field_is_refused_and_writes_nothing(name, world):
    t = target(name, world)
    for key in t.string_fields:
        before = rows()
        response = send(t, _set(t.data, key, NUL))
        # forms and JSON: 400 from the sanitiser or the parser; a snapshot names the line
        assert_refused(response, before, strict=t.kind != "upload")
        if t.kind == "upload":
            assert "NUL" in response.content.decode()


@pytest.mark.parametrize("name", TARGETS)
def test_200_kb_in_any_field_is_refused_and_writes_nothing(name, world):
    t = target(name, world)
    for key in t.string_fields:
        before = rows()
        response = send(t, _set(t.data, key, BIG))
        redirect_ok = t.client if t.url == reverse("pickup:cart_add") else None
        assert_refused(response, before, strict=t.kind == "json", client=redirect_ok)


@pytest.mark.parametrize("name", [n for n in TARGETS if n.startswith("api_")])
def test_5000_levels_of_json_are_a_400(name, world):
    t = target(name, world)
    before = rows()
    response = send(t, raw_json=DEEP)
    assert_refused(response, before, strict=True)
    assert "nested deeper" in response.json()["detail"]
    nested = {"store": DEEP}  # deep inside an otherwise plausible body
    response = t.client.post(
        t.url, json.dumps(nested).replace(f'"{DEEP}"', DEEP), content_type="application/json"
    )
    assert_refused(response, before, strict=True)


def test_snapshot_import_refuses_deep_json_and_oversized_csv_fields(world):
    t = target("snapshot_import", world)
    before = rows()
    response = send(t, raw_json=DEEP)
    assert_refused(response, before)
    assert "nested deeper" in response.content.decode()
    huge = "store,sku,quantity\n" + f"{world['store'].code},{'x' * 140_000},1\n"
    response = t.client.post(t.url, {"file": SimpleUploadedFile("s.csv", huge.encode())})
    assert_refused(response, before)
    assert "cannot be read as CSV" in response.content.decode()


def test_snapshot_command_reports_bad_files_without_a_traceback(world, tmp_path):
    from django.core.management import CommandError, call_command

    store, jacket = world["store"], world["jacket"]
    before = rows()
    for name, content in [
        ("nul.csv", f"store,sku,quantity\n{store.code},{jacket.sku}\x00,1\n"),
        ("huge.csv", f"store,sku,quantity\n{store.code},{'x' * 140_000},1\n"),
        ("long.csv", f"store,sku,quantity\n{store.code},{'x' * 100_000},1\n"),
        ("deep.json", DEEP),
    ]:
        path = tmp_path / name
        path.write_text(content)
        with pytest.raises(CommandError):
            call_command("import_stock_snapshot", str(path))
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"store,sku,quantity\n\xe4,\xe4,1\n")
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_stock_snapshot", str(path))
    assert rows() == before


READS = [
    "/api/v1/products/?q=a%00",
    "/api/v1/products/?brand=a%00",
    "/api/v1/products/?category=a%00",
    "/api/v1/products/?in_stock_at=a%00",
    "/api/v1/stores/?q=a%00",
    "/products/?q=a%00",
    "/stores/?q=a%00",
]


@pytest.mark.parametrize("url", READS)
def test_nul_in_a_query_parameter_is_a_400(url, client, world):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    if url.startswith("/api/"):
        assert response.json()["code"] == "invalid_input"


def test_nul_in_a_path_parameter_is_a_400_on_every_transition(world):
    before = rows()
    staff = _api(world["associate"])
    shopper = _api(world["shopper"])
    for step in ["start-picking", "mark-ready", "collect", "cancel"]:
        assert staff.post(f"/api/v1/staff/orders/A%00B/{step}/").status_code == 400
    assert shopper.post("/api/v1/orders/A%00B/cancel/").status_code == 400
    assert shopper.get("/api/v1/returns/A%00B/").status_code == 400
    desk = _session_client(world["associate"])
    assert desk.get("/returns/desk/start/A%00B/").status_code == 400
    assert desk.post("/desk/collect/", {"code": "A\x00B"}).status_code == 400
    assert rows() == before
