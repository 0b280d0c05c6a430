"""The bodies of the return, shortfall, loyalty and product events, field by field, against the
shapes the OpenAPI schema documents (`/api/schema/`, components `Webhook…Data`, the envelope
described in docs/webhooks.md), and no body carries a person's name, e-mail, phone or address.

The bodies are taken from the delivery rows as the receiver gets them (JSON), after the real
services made the changes. A field the schema does not list, a listed field that is missing,
or a value of the wrong type fails `assert_conforms`.
"""

import datetime as dt
import json
import re
import uuid
from decimal import Decimal

import pytest
from django.utils.dateparse import parse_datetime

from inventory.models import MovementKind, StockShortfall
from inventory.services import Delta, stock_deltas_apply
from loyalty.credit import store_credit_add
from loyalty.models import PointsEntry, StoreCreditEntry
from returns.models import Refund
from returns.services import return_receive, return_refund, return_request_create
from shop.orders.services.collector import order_collector_set
from tests import factories
from tests.returns.helpers import inspect_all, line_of
from webhooks.events import EVENTS
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

DECIMAL = re.compile(r"^-?\d{0,8}(?:\.\d{0,2})?$")
ENVELOPE = {"id", "event", "created_at", "store", "data"}


# --- the documented shapes --------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return json.loads(response.content)


def _resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in node:
        [inner] = node["allOf"]
        return {**_resolve(schema, inner), "nullable": node.get("nullable", False)}
    return node


def assert_conforms(schema, value, node, path="body"):
    """`value` has exactly the shape of the OpenAPI 3.0 schema `node` (as drf-spectacular
    writes it): every property present and no other, types, formats, enums and nullability."""
    node = _resolve(schema, node)
    if value is None:
        assert node.get("nullable"), f"{path} is null but not nullable"
        return
    if "enum" in node:
        assert value in node["enum"], f"{path}: {value!r} not in {node['enum']}"
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        assert isinstance(value, dict), path
        assert set(value) == set(node["properties"]), (
            f"{path}: fields {sorted(value)} != documented {sorted(node['properties'])}"
        )
        assert set(node.get("required", [])) <= set(value), path
        for name, sub in node["properties"].items():
            assert_conforms(schema, value[name], sub, f"{path}.{name}")
    elif kind == "array":
        assert isinstance(value, list), path
        for i, item in enumerate(value):
            assert_conforms(schema, item, node["items"], f"{path}[{i}]")
    elif kind == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), f"{path}: {value!r}"
    elif kind == "boolean":
        assert isinstance(value, bool), f"{path}: {value!r}"
    elif kind == "string":
        assert isinstance(value, str), f"{path}: {value!r}"
        fmt = node.get("format")
        if fmt == "uuid":
            uuid.UUID(value)
        elif fmt == "date-time":
            assert parse_datetime(value) is not None and parse_datetime(value).tzinfo, path
        elif fmt == "decimal":
            assert DECIMAL.match(value), f"{path}: {value!r}"


def envelope_component(event: str) -> str:
    return "Webhook" + "".join(part.title() for part in event.split("."))


def body_of(schema, delivery: WebhookDelivery) -> dict:
    """The body as sent, checked against its documented component; returns its `data`."""
    body = delivery.payload
    assert set(body) == ENVELOPE
    assert body["event"] == delivery.event and body["id"] == str(delivery.event_id)
    assert_conforms(
        schema, body, {"$ref": f"#/components/schemas/{envelope_component(delivery.event)}"}
    )
    return body["data"]


def deliveries(event: str) -> list[WebhookDelivery]:
    return list(WebhookDelivery.objects.filter(event=event).order_by("pk"))


def moment(text: str) -> dt.datetime:
    return parse_datetime(text)


# --- the people and the changes ---------------------------------------------------------------


@pytest.fixture
def endpoint(receiver):
    return WebhookEndpoint.objects.create(name="ERP", url=receiver.url, events=sorted(EVENTS))


@pytest.fixture
def shopper(db):
    user = factories.UserFactory(
        first_name="Xaverine",
        last_name="Quastenberg",
        email="xaverine.quastenberg@example.org",
        phone="+49 171 5550199",
    )
    factories.loyalty_account(user)
    return user


@pytest.fixture
def other_store(db):
    return factories.StoreFactory(city="Potsdam", postcode="14467")


@pytest.fixture
def collected(store, jacket, shopper, endpoint):
    """A collected order (points earned), its pickup delegated to a named person."""
    order = factories.pickup_order(store, [(jacket, 2)], customer=shopper, phone="+49 30 5550123")
    order_collector_set(
        order=order, actor=shopper, name="Bartholomäus Zwirbeldorn", email="bz@example.net"
    )
    from shop.orders.services import orders as services

    associate = factories.UserFactory(
        is_superuser=True, is_staff=True, first_name="Adelgunde", email="adelgunde@example.com"
    )
    order = services.order_start_picking(order=order, actor=associate)
    order = services.order_mark_ready(order=order, actor=associate)
    return services.order_collect(order=order, code=order.pickup_code, actor=associate)


@pytest.fixture
def refunded(collected, jacket, other_store):
    associate = factories.staff(other_store)
    ret = return_request_create(
        order=collected,
        lines=[(line_of(collected, jacket), 1)],
        reason="too_small",
        actor=collected.customer,
    )
    return_receive(ret=ret, store=other_store, actor=associate, inspections=inspect_all(ret))
    return_refund(ret=ret, store=other_store, method="store_credit", actor=associate)
    ret.refresh_from_db()
    return ret


# --- the events ---------------------------------------------------------------------------------


def test_return_events_field_by_field(schema, refunded, jacket, other_store):
    received, refunded_event = deliveries("return.received"), deliveries("return.refunded")
    assert len(received) == len(refunded_event) == 1
    ret = refunded
    line = ret.lines.get()

    data = body_of(schema, received[0])
    assert received[0].payload["store"] == other_store.pk
    assert received[0].subject_key == f"order:{ret.order.number}"
    assert data["code"] == ret.code
    assert data["order"] == ret.order.number
    assert data["status"] == "received"
    assert data["store"] == other_store.pk
    assert data["reason"] == "too_small"
    assert moment(data["created_at"]) == ret.created_at
    assert moment(data["received_at"]) == ret.received_at
    assert data["lines"] == [
        {"sku": jacket.sku, "quantity": 1, "condition": "sellable", "refund_amount": "49.90"}
    ]
    assert data["refund"] is None

    data = body_of(schema, refunded_event[0])
    refund = Refund.objects.get(return_request=ret)
    assert data["status"] == "refunded"
    assert data["lines"][0]["refund_amount"] == str(line.refund_amount) == "49.90"
    assert data["refund"]["amount"] == str(refund.amount)
    assert data["refund"]["method"] == "store_credit"
    assert moment(data["refund"]["created_at"]) == refund.created_at


def test_loyalty_entry_events_field_by_field(schema, refunded, store, shopper):
    events = deliveries("loyalty.entry")
    by_ledger = {}
    for delivery in events:
        assert delivery.subject_key == f"customer:{shopper.pk}"
        by_ledger.setdefault(delivery.payload["data"]["ledger"], []).append(delivery)

    earned = PointsEntry.objects.get(kind="earn")
    data = body_of(schema, by_ledger["points"][0])
    assert by_ledger["points"][0].payload["store"] == store.pk
    assert data == {
        "id": str(earned.public_id),
        "ledger": "points",
        "customer": shopper.pk,
        "kind": "earn",
        "points": earned.points,
        "amount": str(earned.amount),
        "source": earned.source,
        "store": store.pk,
        "occurred_at": data["occurred_at"],
    }
    assert earned.points > 0 and moment(data["occurred_at"]) == earned.occurred_at
    # The refund took points back: a second points entry, negative.
    taken = body_of(schema, by_ledger["points"][1])
    assert taken["points"] < 0 and taken["kind"] != "earn"

    credit = StoreCreditEntry.objects.get(user=shopper)
    [credit_delivery] = by_ledger["store_credit"]
    data = body_of(schema, credit_delivery)
    assert credit_delivery.payload["store"] is None
    assert data == {
        "id": None,
        "ledger": "store_credit",
        "customer": shopper.pk,
        "kind": "",
        "points": None,
        "amount": str(credit.amount),
        "source": credit.source,
        "store": None,
        "occurred_at": data["occurred_at"],
    }
    assert credit.amount == Decimal("49.90")
    assert moment(data["occurred_at"]) == credit.created_at
    # In the order they were written, one customer's entries queue behind each other.
    assert [d.pk for d in events] == sorted(d.pk for d in events)


def test_store_credit_spent_is_negative(schema, endpoint, shopper):
    store_credit_add(user=shopper, amount=Decimal("20.00"), source="goodwill:1")
    from loyalty.credit import store_credit_spend

    store_credit_spend(user=shopper, amount=Decimal("7.50"), source="order:X1")
    amounts = [body_of(schema, d)["amount"] for d in deliveries("loyalty.entry")]
    assert amounts == ["20.00", "-7.50"]


def test_shortfall_event_field_by_field(schema, store, endpoint):
    variant = factories.VariantFactory()
    factories.stock(store, variant, 1)
    order = factories.pickup_order(store, [(variant, 1)])
    stock_deltas_apply(
        store_id=store.pk,
        deltas=[Delta(variant_id=variant.pk, quantity=-1, kind=MovementKind.SALE)],
    )
    shortfall = StockShortfall.objects.get()
    [delivery] = deliveries("stock.shortfall")
    assert delivery.subject_key == f"order:{order.number}"
    assert delivery.payload["store"] == store.pk
    assert body_of(schema, delivery) == {
        "id": shortfall.pk,
        "reference": order.number,
        "store": store.pk,
        "sku": variant.sku,
        "units_missing": 1,
        "cause": shortfall.cause,
    }
    assert shortfall.cause  # e.g. "sale": what took the units


def test_product_event_field_by_field(schema, endpoint):
    variant = factories.VariantFactory(price="89.90", sku="ARIA-M")
    product = variant.product
    WebhookDelivery.objects.all().delete()
    product.name = "Regenjacke Aria"
    product.save()
    variant.sale_price = Decimal("69.90")
    variant.save()
    first, second = deliveries("product.changed")
    assert first.subject_key == second.subject_key == f"product:{product.pk}"
    assert first.payload["store"] is None
    assert body_of(schema, first) == {
        "id": product.pk,
        "name": "Regenjacke Aria",
        "slug": product.slug,
        "is_active": True,
        "variants": [{"sku": "ARIA-M", "price": "89.90", "sale_price": None, "is_active": True}],
    }
    assert body_of(schema, second)["variants"][0]["sale_price"] == "69.90"


def test_no_body_carries_a_name_email_phone_or_address(refunded, store, shopper, endpoint):
    order = refunded.order
    store.phone, store.email = "+49 30 5550777", "filiale@example.com"
    store.save(update_fields=["phone", "email"])
    variant = factories.VariantFactory()
    factories.stock(store, variant, 1)
    factories.pickup_order(store, [(variant, 1)], customer=shopper, phone=shopper.phone)
    stock_deltas_apply(
        store_id=store.pk,
        deltas=[Delta(variant_id=variant.pk, quantity=-1, kind=MovementKind.SALE)],
    )
    account = shopper.loyalty_account
    sent = {d.event for d in WebhookDelivery.objects.all()}
    assert {
        "order.placed",
        "order.ready",
        "order.collected",
        "return.received",
        "return.refunded",
        "loyalty.entry",
        "stock.shortfall",
    } <= sent
    text = json.dumps([d.payload for d in WebhookDelivery.objects.all()], ensure_ascii=False)
    personal = [
        shopper.first_name,
        shopper.last_name,
        shopper.email,
        shopper.phone,
        "5550199",
        order.email,
        order.phone,
        "5550123",
        order.collector_name,
        order.collector_email,
        "Zwirbeldorn",
        "Adelgunde",
        "adelgunde@example.com",
        account.card_number,
        store.street,
        store.phone,
        store.email,
    ]
    for i, value in enumerate(personal):
        assert value, i
        assert value not in text, value
    assert "@" not in text
