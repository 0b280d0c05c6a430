"""Deliveries to a real local HTTP receiver, through the Celery task path (eager, as the
notification tests run it): once per event, in order per order, retries, rollback, pause,
replay and the admin's checks. Runs on SQLite and PostgreSQL."""

import datetime as dt
import json

import pytest
from django.db import transaction
from django.urls import reverse

from notifications.models import Notification
from tests import factories
from tests.notifications.broker import eager_tasks
from webhooks.models import DeliveryStatus, EndpointStatus, WebhookDelivery, WebhookEndpoint
from webhooks.services import webhook_deliver, webhooks_requeue_stale

pytestmark = pytest.mark.django_db


def _collected(store, jacket, capture):
    with eager_tasks(), capture(execute=True):
        return factories.pickup_order(store, [(jacket, 1)], status="collected")


def test_every_event_arrives_once_in_order_and_signed(
    store, jacket, endpoint, receiver, django_capture_on_commit_callbacks
):
    order = _collected(store, jacket, django_capture_on_commit_callbacks)

    bodies = receiver.accepted()
    assert [b["event"] for b in bodies] == ["order.placed", "order.ready", "order.collected"]
    assert len({b["id"] for b in bodies}) == 3
    assert {b["data"]["number"] for b in bodies} == {order.number}
    assert [b["data"]["status"] for b in bodies] == ["placed", "ready", "collected"]
    assert bodies[0]["data"]["lines"][0]["unit_price"] == "49.90"
    for request in receiver.received:
        headers = request["headers"]
        assert receiver.verified(request, endpoint.secret)
        assert headers["X-Omnishop-Event"] == json.loads(request["body"])["event"]
        assert WebhookDelivery.objects.filter(public_id=headers["X-Omnishop-Delivery"]).exists()
        # A receiver with another secret, or a body changed on the way, is caught.
        assert not receiver.verified(request, "whsec_wrong")
        assert not receiver.verified({**request, "body": request["body"] + b" "}, endpoint.secret)
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_three_500s_then_200_is_delivered_once(
    settings, store, jacket, endpoint, receiver, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_PAUSE_AFTER_FAILURES = 10
    receiver.statuses = [500, 500, 500]
    _collected(store, jacket, django_capture_on_commit_callbacks)

    assert [r["status"] for r in receiver.received] == [500, 500, 500, 200, 200, 200]
    assert [b["event"] for b in receiver.accepted()] == [
        "order.placed",
        "order.ready",
        "order.collected",
    ]
    first = WebhookDelivery.objects.get(event="order.placed")
    assert (first.status, first.attempts, first.response_status) == ("delivered", 4, 200)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0


def test_the_next_event_of_an_order_waits_for_the_one_before(
    settings, store, jacket, endpoint, receiver, django_capture_on_commit_callbacks
):
    """Without a worker: the tasks are not run, the service is called by hand."""
    with django_capture_on_commit_callbacks(execute=False):
        factories.pickup_order(store, [(jacket, 1)], status="ready")
    placed, ready = WebhookDelivery.objects.order_by("pk")
    receiver.statuses = [503]
    assert webhook_deliver(delivery_id=placed.pk) == DeliveryStatus.PENDING
    # `ready` may not overtake `placed` while `placed` waits for its retry.
    assert webhook_deliver(delivery_id=ready.pk) is None
    assert [b["event"] for b in receiver.accepted()] == []
    with eager_tasks():  # placed succeeds, and queues ready behind it
        assert webhook_deliver(delivery_id=placed.pk) == DeliveryStatus.DELIVERED
    assert [b["event"] for b in receiver.accepted()] == ["order.placed", "order.ready"]


def test_a_delivery_failed_for_good_lets_the_next_one_go(
    settings, store, jacket, endpoint, receiver, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_RETRY_FOR_HOURS = 0  # the first failure is final
    receiver.statuses = [500]
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        factories.pickup_order(store, [(jacket, 1)], status="ready")
    placed, ready = WebhookDelivery.objects.order_by("pk")
    assert (placed.status, placed.attempts) == ("failed", 1)
    assert placed.last_error.startswith("HTTP 500")
    assert ready.status == "delivered"


def test_nothing_is_queued_when_the_change_rolls_back(
    store, jacket, endpoint, receiver, django_capture_on_commit_callbacks
):
    with (
        eager_tasks(),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        factories.pickup_order(store, [(jacket, 1)])
        assert WebhookDelivery.objects.count() == 1  # written with the order...
        raise RuntimeError("the checkout fails after the order was written")
    assert WebhookDelivery.objects.count() == 0  # ...and gone with it
    assert callbacks == []
    assert receiver.received == []


def test_endpoint_pauses_after_repeated_failures_and_the_managers_are_told(
    settings, store, jacket, endpoint, receiver, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_PAUSE_AFTER_FAILURES = 3
    boss = factories.UserFactory(is_superuser=True, is_staff=True)
    receiver.statuses = [500] * 10
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        order = factories.pickup_order(store, [(jacket, 1)])
    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.PAUSED
    assert len(receiver.received) == 3  # nothing more once paused
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    told = Notification.objects.filter(kind="webhook_endpoint_paused", recipient=boss)
    assert told.exists()
    # The sweep leaves a paused endpoint alone.
    with eager_tasks():
        assert webhooks_requeue_stale(older_than=dt.timedelta(0)) == 0

    # Resumed from the admin: what waited goes out, once.
    receiver.statuses = []
    client = _admin_client(boss)
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:webhooks_webhookendpoint_changelist"),
            {"action": "resume", "_selected_action": [endpoint.pk]},
        )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.ACTIVE
    assert [b["data"]["number"] for b in receiver.accepted()] == [order.number]


def _admin_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_replay_from_the_admin_sends_the_same_event_again(
    store, jacket, endpoint, receiver, django_capture_on_commit_callbacks
):
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        factories.pickup_order(store, [(jacket, 1)])
    original = WebhookDelivery.objects.get()
    client = _admin_client(factories.UserFactory(is_superuser=True, is_staff=True))
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:webhooks_webhookdelivery_changelist"),
            {"action": "replay", "_selected_action": [original.pk]},
            follow=True,
        )
    assert "1 delivery(ies) queued again." in response.content.decode()
    first, second = receiver.received
    assert json.loads(first["body"]) == json.loads(second["body"])  # same event id and data
    assert first["headers"]["X-Omnishop-Delivery"] != second["headers"]["X-Omnishop-Delivery"]
    replay = WebhookDelivery.objects.get(replay_of=original)
    assert replay.status == "delivered"


def test_admin_refuses_unknown_events_and_bad_urls_and_pings(store, receiver):
    client = _admin_client(factories.UserFactory(is_superuser=True, is_staff=True))
    url = reverse("admin:webhooks_webhookendpoint_add")
    base = {"name": "ERP", "url": receiver.url, "store": "", "status": "active"}

    response = client.post(url, {**base, "events": ["order.placed", "order.teleported"]})
    assert response.status_code == 200
    assert "order.teleported is not one of the available choices" in response.content.decode()

    for bad, message in [
        ("ftp://erp.example.com/hooks", "must start with https://"),
        ("https://no-such-host.invalid/hooks", "cannot be found"),
        ("https://user:pw@erp.example.com/hooks", "user name or password"),
    ]:
        response = client.post(url, {**base, "url": bad, "events": ["order.placed"]})
        assert response.status_code == 200, bad
        assert message in response.content.decode(), bad
    assert not WebhookEndpoint.objects.exists()

    response = client.post(url, {**base, "events": ["order.placed"]}, follow=True)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in response.content.decode()  # shown once, on creation
    assert endpoint.secret.startswith("whsec_")

    response = client.post(
        reverse("admin:webhooks_webhookendpoint_changelist"),
        {"action": "send_ping", "_selected_action": [endpoint.pk]},
        follow=True,
    )
    assert "answered 200" in response.content.decode()
    [ping] = receiver.received
    assert ping["headers"]["X-Omnishop-Event"] == "ping"
    assert receiver.verified(ping, endpoint.secret)

    receiver.server.shutdown()
    receiver.server.server_close()
    response = client.post(
        reverse("admin:webhooks_webhookendpoint_changelist"),
        {"action": "send_ping", "_selected_action": [endpoint.pk]},
        follow=True,
    )
    assert "did not accept the ping" in response.content.decode()


def test_private_hosts_are_refused_outside_development(settings):
    from webhooks.errors import WebhookUrlRefused
    from webhooks.services import webhook_url_check

    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = False
    with pytest.raises(WebhookUrlRefused, match="internal address"):
        webhook_url_check(url="http://127.0.0.1:9/hooks")


def test_a_name_that_rebinds_to_an_internal_address_is_never_connected_to(
    settings, receiver, monkeypatch
):
    """DNS rebinding: the name answers with a public address for the check and with loopback
    afterwards. The connection goes to the address checked, never to the second answer."""
    import socket

    from webhooks.services import webhook_endpoint_ping

    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = False
    port = receiver.server.server_address[1]
    real, answers = socket.getaddrinfo, []

    def rebinding(host, *args, **kwargs):
        if host != "rebind.example":
            return real(host, *args, **kwargs)
        answers.append(host)
        address = "93.184.216.34" if len(answers) == 1 else "127.0.0.1"  # public, then ours
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    settings.WEBHOOKS_TIMEOUT = 0.5
    endpoint = WebhookEndpoint.objects.create(
        name="Rebinding", url=f"http://rebind.example:{port}/internal", events=["order.placed"]
    )
    result = webhook_endpoint_ping(endpoint=endpoint)
    assert not result.ok and receiver.received == []
    assert len(answers) == 1  # looked up once: connected to what was checked


def test_a_manager_sees_and_registers_only_their_stores_endpoints(store, receiver):
    other = factories.StoreFactory()
    theirs = WebhookEndpoint.objects.create(name="Mine", url=receiver.url, store=store)
    WebhookEndpoint.objects.create(name="Other", url=receiver.url, store=other)
    WebhookEndpoint.objects.create(name="Head office", url=receiver.url)
    manager = factories.staff(store, role="manager")
    from django.contrib.auth.models import Permission

    manager.user_permissions.add(*Permission.objects.filter(content_type__app_label="webhooks"))
    client = _admin_client(manager)
    page = client.get(reverse("admin:webhooks_webhookendpoint_changelist")).content.decode()
    assert "Mine" in page and "Other" not in page and "Head office" not in page
    # the delivery log's endpoint filter names no other store's or head office's endpoint
    log = client.get(reverse("admin:webhooks_webhookdelivery_changelist")).content.decode()
    assert "Other" not in log and "Head office" not in log
    assert (
        theirs.secret
        not in client.get(
            reverse("admin:webhooks_webhookendpoint_change", args=[theirs.pk])
        ).content.decode()
    )
    response = client.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {
            "name": "X",
            "url": receiver.url,
            "store": other.pk,
            "events": ["order.placed"],
            "status": "active",
        },
    )
    assert response.status_code == 200 and not WebhookEndpoint.objects.filter(name="X").exists()


def test_a_store_endpoint_gets_only_its_stores_events(
    store, jacket, receiver, django_capture_on_commit_callbacks
):
    other = factories.StoreFactory()
    WebhookEndpoint.objects.create(
        name="Other store", url=receiver.url, store=other, events=["order.placed"]
    )
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        factories.pickup_order(store, [(jacket, 1)])
    assert receiver.received == []
    assert not WebhookDelivery.objects.exists()


def test_the_schema_documents_every_payload(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    text = response.content.decode()
    assert response.status_code == 200
    for event in [
        "order.placed",
        "order.ready",
        "order.collected",
        "order.cancelled",
        "order.expired",
        "return.received",
        "return.refunded",
        "stock.shortfall",
        "loyalty.entry",
        "product.changed",
    ]:
        assert event in text, event
    for component in ["WebhookOrderData", "WebhookReturnData", "WebhookProductData"]:
        assert component in text, component
