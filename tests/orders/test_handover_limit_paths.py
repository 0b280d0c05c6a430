"""The per-associate limit on pickup codes holds on every handover path: an associate blocked
at the desk is blocked on the API and in the admin, and the other way round (one limiter in
`order_collect`)."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from shop.orders.models import HandoverAttempt, OrderStatus
from shop.orders.services.orders import WRONG_CODES_PER_ORDER, WRONG_CODES_PER_STAFF
from tests import factories

pytestmark = pytest.mark.django_db

PATHS = ["desk", "api", "admin"]


@pytest.fixture
def associate(store):
    user = factories.staff(store)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_order", "change_order"])
    )
    return user


def _try(path, associate, store, order, code):
    """Enter `code` for `order` on one path; True when the order was handed over."""
    if path == "desk":
        client = Client()
        client.force_login(associate)
        client.post(reverse("pickup:desk_collect"), {"store": store.code, "code": code})
    elif path == "api":
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=associate)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        response = client.post(
            f"/api/v1/staff/orders/{order.number}/collect/", {"code": code}, format="json"
        )
        assert response.status_code in (200, 400, 429)
    else:
        client = Client()
        client.force_login(associate)
        client.post(reverse("admin:orders_order_handover", args=[order.pk]), {"code": code})
    order.refresh_from_db()
    return order.status == OrderStatus.COLLECTED


def _block(path, associate, store, jacket):
    """WRONG_CODES_PER_STAFF wrong codes on `path`, spread over orders so that no order's own
    limit is what blocks the last check."""
    wrong = 0
    while wrong < WRONG_CODES_PER_STAFF:
        victim = factories.pickup_order(store, [(jacket, 1)], status="ready")
        for _ in range(min(WRONG_CODES_PER_ORDER - 1, WRONG_CODES_PER_STAFF - wrong)):
            assert not _try(path, associate, store, victim, "WRONGCOD")
            wrong += 1
    assert (
        HandoverAttempt.objects.filter(actor=associate, success=False).count()
        == WRONG_CODES_PER_STAFF
    )


@pytest.mark.parametrize("blocked_on", PATHS)
@pytest.mark.parametrize("tried_on", PATHS)
def test_an_associate_blocked_on_one_path_is_blocked_on_every_path(
    blocked_on, tried_on, associate, store, jacket
):
    _block(blocked_on, associate, store, jacket)
    order = factories.pickup_order(store, [(jacket, 1)], status="ready")
    assert not _try(tried_on, associate, store, order, order.pickup_code)
    assert not HandoverAttempt.objects.filter(order=order, success=True).exists()
    colleague = factories.staff(store)
    colleague.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_order", "change_order"])
    )
    assert _try(tried_on, colleague, store, order, order.pickup_code)


def test_the_api_answers_429_for_a_blocked_associate(associate, store, jacket):
    _block("desk", associate, store, jacket)
    order = factories.pickup_order(store, [(jacket, 1)], status="ready")
    client = APIClient()
    client.force_authenticate(associate)
    response = client.post(
        f"/api/v1/staff/orders/{order.number}/collect/", {"code": order.pickup_code}
    )
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0
