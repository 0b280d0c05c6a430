"""The demo associate and manager (their groups from `stores.staff_groups`) can open every staff
page they work with, see only their store's data, and the associate not the manager's pages."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from inventory.services import stock_reconcile
from loyalty.services import loyalty_account_open
from shop.orders.models import Order
from stores.models import StaffMembership
from tests import factories

pytestmark = pytest.mark.django_db

ASSOCIATE = "verkauf.berlin@omnishop.example"
MANAGER = "leitung.berlin@omnishop.example"


@pytest.fixture
def demo(settings, tmp_path):
    """The demo chain (small), an order at the associate's store and one at another store."""
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--size", "products=6,stores=3", verbosity=0)
    associate = User.objects.get(email=ASSOCIATE)
    home = StaffMembership.objects.get(user=associate).store
    other = StaffMembership.objects.get(user__email="verkauf.hamburg@omnishop.example").store
    orders = {}
    for store in (home, other):
        variant = factories.VariantFactory()
        factories.stock(store, variant, 5)
        orders[store.pk] = factories.pickup_order(store, [(variant, 1)])
    stock_reconcile()
    return {"home": orders[home.pk], "other": orders[other.pk]}


def client_for(email: str) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(User.objects.get(email=email))
    return client


def admin(name: str, *args) -> str:
    return reverse(f"admin:{name}", args=args)


STAFF_PAGES = [
    admin("index"),
    admin("orders_order_changelist"),
    admin("returns_returnrequest_changelist"),
    admin("inventory_stocklevel_changelist"),
    admin("inventory_stockshortfall_changelist"),
    admin("inventory_stockcount_changelist"),
    reverse("pickup:desk"),
    reverse("returns:desk"),
    reverse("loyalty:desk"),
    reverse("stock:count_new"),
]
MANAGER_PAGES = [
    admin("inventory_reconciliationrun_changelist"),
    admin("inventory_reconciliationfinding_changelist"),
    admin("inventory_stocklevel_import"),
    admin("orders_handoverattempt_changelist"),
    admin("loyalty_loyaltyaccount_changelist"),
]


def test_associate_opens_the_staff_pages_and_not_the_managers(demo):
    client = client_for(ASSOCIATE)
    for url in STAFF_PAGES:
        assert client.get(url).status_code == 200, url
    for url in MANAGER_PAGES:
        assert client.get(url).status_code == 403, url


def test_manager_opens_the_staff_and_the_manager_pages(demo):
    client = client_for(MANAGER)
    for url in STAFF_PAGES + MANAGER_PAGES:
        assert client.get(url).status_code == 200, url
    account = loyalty_account_open(user=User.objects.get(email="kunde@omnishop.example"))
    # a manager reaches a shopper's account only through an exact (logged) search
    assert client.get(admin("loyalty_loyaltyaccount_adjust", account.pk)).status_code == 404
    found = client.get(admin("loyalty_loyaltyaccount_changelist"), {"q": account.card_number})
    assert list(found.context["cl"].result_list) == [account]
    assert client.get(admin("loyalty_loyaltyaccount_adjust", account.pk)).status_code == 200


@pytest.mark.parametrize("email", [ASSOCIATE, MANAGER])
def test_staff_see_their_store_only(demo, email):
    client = client_for(email)
    html = client.get(admin("orders_order_changelist")).content.decode()
    assert demo["home"].number in html and demo["other"].number not in html
    assert client.get(admin("orders_order_change", demo["home"].pk)).status_code == 200
    assert client.get(admin("orders_order_change", demo["other"].pk)).status_code == 404


def test_associate_works_the_queue_through_the_admin(demo):
    client = client_for(ASSOCIATE)
    order = demo["home"]
    response = client.post(admin("orders_order_transition", order.pk, "start-picking"))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "picking"
    assert Order.objects.get(pk=demo["other"].pk).status == "placed"
