"""Units a pickup order lost to the shelf (issue 7) on the orders admin and the desk queue."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.models import MovementKind
from inventory.services import Delta, stock_deltas_apply
from tests import factories

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:orders_order_changelist")


@pytest.fixture
def staff_client(associate):
    associate.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_order", "change_order"])
    )
    client = Client(headers={"accept-language": "en"})
    client.force_login(associate)
    return client


def till_sale(store, variant, units):
    """A till sells units that were reserved for pickup orders: the newest orders lose them."""
    return stock_deltas_apply(
        store_id=store.pk,
        deltas=[Delta(variant_id=variant.pk, quantity=-units, kind=MovementKind.SALE)],
    ).shortfalls


def orders_with_shortfalls(store, count):
    variant = factories.VariantFactory()
    factories.stock(store, variant, count)
    orders = [factories.pickup_order(store, [(variant, 1)]) for _ in range(count)]
    till_sale(store, variant, count)  # every order loses its one unit
    return orders


def test_changelist_flags_orders_that_lost_units_without_extra_queries(staff_client, store, jacket):
    untouched = factories.pickup_order(store, [(jacket, 1)])
    [short] = orders_with_shortfalls(store, 1)
    with CaptureQueriesContext(connection) as few:
        html = staff_client.get(CHANGELIST).content.decode()
    assert html.count("pickup-admin__shortfall") == 1
    assert "1 unit missing" in html
    row = html[html.index(short.number) :]
    assert "pickup-admin__shortfall" in row[: row.index("</tr>")]
    assert untouched.number in html

    orders_with_shortfalls(store, 20)
    with CaptureQueriesContext(connection) as many:
        html = staff_client.get(CHANGELIST).content.decode()
    assert html.count("pickup-admin__shortfall") == 21
    assert len(many.captured_queries) == len(few.captured_queries)


def test_change_view_warns_about_the_missing_units(staff_client, store):
    [short] = orders_with_shortfalls(store, 1)
    sku = short.lines.get().sku
    html = staff_client.get(reverse("admin:orders_order_change", args=[short.pk])).content.decode()
    assert 'data-testid="shortfalls"' in html
    assert f"1 unit of {sku} missing" in html


def test_change_view_without_shortfalls_shows_no_warning(staff_client, store, jacket):
    order = factories.pickup_order(store, [(jacket, 1)])
    html = staff_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert 'data-testid="shortfalls"' not in html


def test_resolved_shortfalls_are_no_longer_flagged(staff_client, store, associate):
    from inventory.services import stock_shortfalls_resolve

    [short] = orders_with_shortfalls(store, 1)
    stock_shortfalls_resolve(shortfall_ids=[s.pk for s in short_shortfalls(short)], user=associate)
    assert "pickup-admin__shortfall" not in staff_client.get(CHANGELIST).content.decode()


def short_shortfalls(order):
    from inventory.models import StockShortfall

    return StockShortfall.objects.filter(reference=order.number)


def test_desk_cards_show_the_missing_units_in_one_query(store, associate, jacket):
    client = Client(headers={"accept-language": "en"})
    client.force_login(associate)
    factories.pickup_order(store, [(jacket, 1)])
    [short] = orders_with_shortfalls(store, 1)
    with CaptureQueriesContext(connection) as few:
        html = client.get(reverse("pickup:desk_queue")).content.decode()
    assert html.count('data-testid="shortfall"') == 1
    assert f"1 × {short.lines.get().sku}" in html

    orders_with_shortfalls(store, 5)
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("pickup:desk_queue")).content.decode()
    assert html.count('data-testid="shortfall"') == 6
    assert len(many.captured_queries) == len(few.captured_queries)
