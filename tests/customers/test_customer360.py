"""The staff's customer 360: search by card, e-mail, phone or name; every opening logged;
managers review the audit, associates do not; rate-limited."""

import pytest
from django.urls import reverse

from customers.errors import CustomerSearchLimited
from customers.models import AccessKind, CustomerAccess
from customers.services import access
from customers.services.access import customer_search
from stores.models import StaffRole
from tests import factories

from .conftest import EMAIL, NAME

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed",
    [
        "card",
        EMAIL.upper(),
        "0171 99 88 776",
        "+49 171-9988776",
        NAME[1][:5].lower(),
        f"{NAME[0]} {NAME[1]}",
    ],
)
def test_search_finds_the_customer(person, store, typed):
    associate = factories.staff(store)
    if typed == "card":
        typed = person.loyalty_account.card_number
    assert customer_search(staff=associate, store=store, query=typed) == [person]
    row = CustomerAccess.objects.get()
    assert (row.kind, row.found, row.customer) == (AccessKind.SEARCH, 1, None)


def test_customer_page_shows_online_and_till_history_and_logs_the_opening(
    client, person, history, store
):
    associate = factories.staff(store)
    client.force_login(associate)
    response = client.get(reverse("customers:staff_search"), {"q": "0171 9988776"})
    assert response.status_code == 200
    url = reverse("customers:staff_customer", kwargs={"pk": person.pk})
    assert f"{url}?from=search" in response.content.decode()
    page = client.get(url + "?from=search")
    assert page.status_code == 200
    body = page.content.decode()
    assert history["collected"].number in body and history["open"].number in body
    assert "R-1001" in body  # the till purchase
    assert reverse("pickup:desk_order", kwargs={"public_id": history["open"].public_id}) in body
    opened = CustomerAccess.objects.get(kind=AccessKind.OPEN)
    assert (opened.staff, opened.customer, opened.store, opened.page) == (
        associate,
        person,
        store,
        "search",
    )


def test_customer_page_query_count_does_not_grow_with_history(
    client, person, history, store, django_assert_max_num_queries
):
    associate = factories.staff(store)
    client.force_login(associate)
    url = reverse("customers:staff_customer", kwargs={"pk": person.pk})
    client.get(url)
    for _ in range(3):
        factories.collected_order(store, [(history["variant"], 1)], customer=person)
    with django_assert_max_num_queries(40):
        assert client.get(url).status_code == 200


def test_shoppers_cannot_open_the_360(client, person, shopper):
    client.force_login(shopper)
    assert client.get(reverse("customers:staff_search")).status_code == 403
    assert (
        client.get(reverse("customers:staff_customer", kwargs={"pk": person.pk})).status_code == 403
    )


def test_managers_see_the_audit_of_their_store_associates_do_not(client, person, store):
    associate = factories.staff(store)
    manager = factories.staff(store, role=StaffRole.MANAGER)
    elsewhere = factories.StoreFactory()
    other_manager = factories.staff(elsewhere, role=StaffRole.MANAGER)
    access.customer_open(staff=associate, store=store, customer=person, page="search")
    client.force_login(associate)
    assert client.get(reverse("customers:staff_audit")).status_code == 403
    client.force_login(manager)
    page = client.get(reverse("customers:staff_audit"))
    assert page.status_code == 200 and NAME[0] in page.content.decode()
    client.force_login(other_manager)
    page = client.get(reverse("customers:staff_audit"))
    assert page.status_code == 200 and NAME[0] not in page.content.decode()


def test_searches_are_rate_limited(client, person, store, monkeypatch):
    monkeypatch.setattr(access, "ACCESS_LIMIT", 3)
    associate = factories.staff(store)
    for _ in range(3):
        customer_search(staff=associate, store=store, query=EMAIL)
    with pytest.raises(CustomerSearchLimited):
        customer_search(staff=associate, store=store, query=EMAIL)
    client.force_login(associate)
    response = client.get(reverse("customers:staff_search"), {"q": EMAIL})
    assert response.status_code == 429
    url = reverse("customers:staff_customer", kwargs={"pk": person.pk})
    assert client.get(url).status_code == 429
    assert CustomerAccess.objects.filter(kind=AccessKind.OPEN).count() == 0


@pytest.mark.parametrize("typed", ["", "ab", "1234", "nobody@example.org"])
def test_bad_or_unknown_input_is_a_clear_message(client, person, store, typed):
    client.force_login(factories.staff(store))
    response = client.get(reverse("customers:staff_search"), {"q": typed})
    assert response.status_code in (400, 404)
    assert 'class="errorlist' in response.content.decode()


def test_erased_customers_are_not_found(person, store):
    from customers.errors import CustomerError
    from customers.services.erasure import erase_customer

    card = person.loyalty_account.card_number
    erase_customer(user=person, by=person, password=factories.PASSWORD)
    associate = factories.staff(store)
    for typed in (card, EMAIL, NAME[1]):
        try:
            result = customer_search(staff=associate, store=store, query=typed)
        except CustomerError:
            result = []
        assert result == []


def test_customer_page_shows_recommendation_answers(client, person, history, store):
    from insight.services import nps_answer, nps_survey_open

    survey = nps_survey_open(order=history["collected"])
    nps_answer(survey=survey, score=8, comment="Beratung war prima")
    client.force_login(factories.staff(store))
    body = client.get(
        reverse("customers:staff_customer", kwargs={"pk": person.pk}),
        HTTP_ACCEPT_LANGUAGE="de",
    ).content.decode()
    assert "Würde uns weiterempfehlen: 8 von 10" in body
    assert "Beratung war prima" in body


def test_the_desks_link_to_the_customer_page_and_the_opening_names_the_desk(
    client, person, history, store
):
    associate = factories.staff(store)
    client.force_login(associate)
    expected = reverse("customers:staff_customer", args=[person.pk])
    pick = client.get(reverse("pickup:desk_order", args=[history["open"].public_id]))
    assert f'href="{expected}?from=pickup"' in pick.content.decode()
    desk = client.post(
        reverse("loyalty:desk"),
        {"store": store.code, "card_number": person.loyalty_account.card_number},
    )
    assert f'href="{expected}?from=loyalty"' in desk.content.decode()
    assert client.get(f"{expected}?from=pickup").status_code == 200
    opened = CustomerAccess.objects.get(kind=AccessKind.OPEN)
    assert (opened.customer, opened.page) == (person, "pickup")
