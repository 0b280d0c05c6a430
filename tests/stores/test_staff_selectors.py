"""The one rule for who works where (stores.selectors): every desk, service and admin asks it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from stores.models import StaffMembership, StaffRole
from stores.selectors import is_store_manager, is_store_staff, staff_stores
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return factories.StoreFactory(name="Heimat")


@pytest.fixture
def other():
    return factories.StoreFactory(name="Andere")


@pytest.fixture
def closed():
    return factories.StoreFactory(name="Geschlossen", is_active=False)


def test_superuser_works_and_manages_everywhere_closed_stores_too(home, other, closed):
    boss = factories.UserFactory(is_staff=True, is_superuser=True)
    assert set(staff_stores(user=boss)) == {home, other, closed}
    assert set(staff_stores(user=boss).active()) == {home, other}
    assert set(staff_stores(user=boss, role=StaffRole.MANAGER)) == {home, other, closed}
    for store in (home, other, closed):
        assert is_store_staff(user=boss, store=store)
        assert is_store_manager(user=boss, store=store)


def test_associate_works_in_their_store_only_and_manages_none(home, other):
    associate = factories.staff(home)
    assert list(staff_stores(user=associate)) == [home]
    assert not staff_stores(user=associate, role=StaffRole.MANAGER).exists()
    assert is_store_staff(user=associate, store=home)
    assert is_store_staff(user=associate, store=home.pk)  # a pk is enough
    assert not is_store_staff(user=associate, store=other)
    assert not is_store_manager(user=associate, store=home)


def test_manager_manages_their_store_and_not_another(home, other):
    manager = factories.staff(home, role=StaffRole.MANAGER)

    StaffMembership.objects.create(user=manager, store=other, role=StaffRole.ASSOCIATE)
    assert set(staff_stores(user=manager)) == {home, other}
    assert list(staff_stores(user=manager, role=StaffRole.MANAGER)) == [home]
    assert is_store_manager(user=manager, store=home)
    assert is_store_staff(user=manager, store=other)
    assert not is_store_manager(user=manager, store=other)


def test_inactive_and_anonymous_users_work_nowhere(home):
    gone = factories.staff(home, role=StaffRole.MANAGER, is_active=False)
    gone_boss = factories.UserFactory(is_staff=True, is_superuser=True, is_active=False)
    for user in (gone, gone_boss, AnonymousUser(), None):
        assert not staff_stores(user=user).exists()
        assert not is_store_staff(user=user, store=home)
        assert not is_store_manager(user=user, store=home)


def test_staff_of_no_store_and_shoppers_work_nowhere(home):
    for user in (factories.UserFactory(is_staff=True), factories.UserFactory()):
        assert not staff_stores(user=user).exists()
        assert not is_store_staff(user=user, store=home)


def test_queries(home, django_assert_num_queries):
    associate = factories.staff(home)
    with django_assert_num_queries(1):
        assert is_store_staff(user=associate, store=home)
    with django_assert_num_queries(1):
        assert list(staff_stores(user=associate).active().order_by("name")) == [home]
