"""Counting by scanner: the lookup, the manager's message and the list of counts awaiting approval."""

import pytest
from django.urls import reverse

from inventory.counts import stock_count_take
from inventory.models import CountStatus
from notifications.models import Notification
from stores.models import StaffRole
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def jacket(store):
    variant = factories.stocked_variant(store, "89.00", units=10)
    variant.ean = "4006381333931"
    variant.save()
    return variant


def test_lookup_by_ean_or_sku_without_stock_figures(client, store, jacket):
    client.force_login(factories.staff(store))
    url = reverse("stock:count_lookup")
    body = client.get(url, {"code": "4006381333931"}).json()
    assert body["sku"] == jacket.sku and body["name"] == jacket.product.name
    assert set(body) == {"sku", "ean", "name", "label"}  # a blind count: no stock figures
    assert client.get(url, {"code": jacket.sku.lower()}).json()["sku"] == jacket.sku
    response = client.get(url, {"code": "0000"})
    assert response.status_code == 404 and "0000" in response.json()["detail"]
    client.force_login(factories.UserFactory())
    assert client.get(url, {"code": jacket.sku}).status_code == 302  # not staff: to the login


def test_count_waiting_tells_the_managers_and_lists_the_variance(client, store, jacket):
    associate = factories.staff(store)
    manager = factories.staff(store, role=StaffRole.MANAGER)
    count = stock_count_take(store=store, user=associate, counted={jacket.pk: 2})
    assert count.status == CountStatus.SUBMITTED
    message = Notification.objects.get(kind="stock_count_waiting", recipient=manager)
    assert message.subject_id == str(count.pk)
    assert not Notification.objects.filter(kind="stock_count_waiting", recipient=associate).exists()

    client.force_login(manager)
    html = client.get(reverse("stock:count_new")).content.decode()
    row = html[html.index(f'data-testid="waiting-{count.public_id}"') :][:600]
    assert "-8" in row and "-€712.00" in row  # English amount (core money format)
    client.force_login(associate)  # not a manager: no list
    assert (
        'data-testid="counts-waiting"'
        not in client.get(reverse("stock:count_new")).content.decode()
    )


def test_small_variance_applies_without_a_message(store, jacket):
    count = stock_count_take(store=store, user=factories.staff(store), counted={jacket.pk: 9})
    assert count.status == CountStatus.APPLIED
    assert not Notification.objects.filter(kind="stock_count_waiting").exists()


def test_count_detail_shows_variance_in_euros(client, store, jacket):
    manager = factories.staff(store, role=StaffRole.MANAGER)
    count = stock_count_take(store=store, user=manager, counted={jacket.pk: 1})
    client.force_login(manager)
    html = client.get(reverse("stock:count_detail", args=[count.public_id])).content.decode()
    assert 'data-testid="variance-value">-€801.00' in html  # English amount (core money format)
    assert 'data-testid="approve"' in html


def test_waiting_list_query_count_does_not_grow(client, store, jacket):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    manager = factories.staff(store, role=StaffRole.MANAGER)
    client.force_login(manager)
    associate = factories.staff(store)
    stock_count_take(store=store, user=associate, counted={jacket.pk: 0})
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("stock:count_new"))
    for _ in range(5):
        other = factories.stocked_variant(store, "5.00", units=50)
        stock_count_take(store=store, user=associate, counted={other.pk: 1})
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("stock:count_new")).content.decode()
    assert html.count('data-testid="waiting-') == 6
    assert len(many.captured_queries) == len(few.captured_queries)
