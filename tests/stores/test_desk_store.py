"""One store picker for every desk (stores.desk): one session key, one 403/404 rule."""

import pytest
from django.urls import reverse

from stores.desk import SESSION_KEY
from stores.models import StaffMembership
from tests import factories

pytestmark = pytest.mark.django_db

DESKS = ["pickup:desk", "returns:desk", "loyalty:desk"]


@pytest.fixture
def stores():
    return factories.StoreFactory(name="Alpha"), factories.StoreFactory(name="Beta")


@pytest.fixture
def associate(stores):
    user = factories.staff(stores[0])
    StaffMembership.objects.create(user=user, store=stores[1])
    return user


def test_a_store_picked_at_the_pickup_desk_is_the_store_of_the_returns_desk(
    client, associate, stores
):
    alpha, beta = stores
    client.force_login(associate)
    assert client.get(reverse("returns:desk")).context["store"] == alpha  # first by name
    assert client.get(reverse("pickup:desk"), {"store": beta.code}).status_code == 200
    assert client.session[SESSION_KEY] == beta.pk
    assert client.get(reverse("returns:desk")).context["store"] == beta
    assert client.get(reverse("pickup:desk")).context["store"] == beta
    assert client.get(reverse("loyalty:desk")).context["form"].initial["store"] == beta


def test_a_store_picked_at_the_returns_desk_carries_to_the_pickup_and_loyalty_desks(
    client, associate, stores
):
    _alpha, beta = stores
    client.force_login(associate)
    client.get(reverse("returns:desk"), {"store": beta.code})
    assert client.get(reverse("pickup:desk")).context["store"] == beta
    assert client.get(reverse("loyalty:desk")).context["form"].initial["store"] == beta


def test_the_store_of_a_card_lookup_is_remembered_for_the_other_desks(client, associate, stores):
    _alpha, beta = stores
    client.force_login(associate)
    client.post(reverse("loyalty:desk"), {"store": beta.code, "card_number": "2000000000000"})
    assert client.session[SESSION_KEY] == beta.pk
    assert client.get(reverse("pickup:desk")).context["store"] == beta


@pytest.mark.parametrize("desk", DESKS)
def test_a_store_the_user_does_not_work_in_is_refused_and_not_remembered(
    client, associate, stores, desk
):
    foreign = factories.StoreFactory(name="Fremd")
    closed = factories.StoreFactory(name="Zu", is_active=False)
    StaffMembership.objects.create(user=associate, store=closed)
    client.force_login(associate)
    for store in (foreign, closed):
        assert client.get(reverse(desk), {"store": store.code}).status_code == 404
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("desk", DESKS)
def test_staff_of_no_store_get_a_403_at_every_desk(client, desk):
    client.force_login(factories.UserFactory(is_staff=True))
    assert client.get(reverse(desk)).status_code == 403


def test_a_remembered_store_the_user_no_longer_works_in_falls_back_to_their_first(
    client, associate, stores
):
    alpha, beta = stores
    client.force_login(associate)
    client.get(reverse("pickup:desk"), {"store": beta.code})
    StaffMembership.objects.filter(user=associate, store=beta).delete()
    assert client.get(reverse("returns:desk")).context["store"] == alpha
    assert client.get(reverse("pickup:desk")).context["store"] == alpha


def test_superuser_picks_any_open_store(admin_client, stores):
    _alpha, beta = stores
    response = admin_client.get(reverse("returns:desk"), {"store": beta.code})
    assert response.status_code == 200 and response.context["store"] == beta
    assert admin_client.get(reverse("pickup:desk")).context["store"] == beta
