"""Mein Konto: one page for name, phone, language, my store and the marketing consent."""

import pytest
from django.urls import reverse

from customers.models import MarketingConsent

pytestmark = pytest.mark.django_db


def _post(client, **changes):
    data = {
        "first_name": "Erika",
        "last_name": "Muster",
        "phone": "",
        "language": "en",
        "preferred_store": "",
        **changes,
    }
    return client.post(reverse("customers:account"), data)


def test_header_links_to_the_account_page(client, shopper):
    client.force_login(shopper)
    page = client.get(reverse("shop:home")).content.decode()
    assert f'href="{reverse("customers:account")}" data-testid="my-account"' in page


def test_account_page_saves_details_and_store(client, shopper, store):
    client.force_login(shopper)
    page = client.get(reverse("customers:account"))
    assert page.status_code == 200
    for link in (
        "pickup:order_list",
        "returns:list",
        "loyalty:card",
        "notifications:inbox",
        "account_email",
        "account_change_password",
    ):
        assert reverse(link) in page.content.decode()
    response = _post(
        client, first_name="Anna", phone="+49 30 123456", language="de", preferred_store=store.pk
    )
    assert response.status_code == 302
    shopper.refresh_from_db()
    assert (shopper.first_name, shopper.phone, shopper.language, shopper.preferred_store) == (
        "Anna",
        "+49 30 123456",
        "de",
        store,
    )
    assert response.cookies["django_language"].value == "de"


@pytest.mark.parametrize("phone", ["call me", "12", "+49 30 1234567<script>"])
def test_bad_phone_is_a_form_error(client, shopper, phone):
    client.force_login(shopper)
    response = _post(client, phone=phone)
    assert response.status_code == 400
    assert "phone number" in response.content.decode()
    shopper.refresh_from_db()
    assert shopper.phone == ""


def test_inactive_store_and_unknown_language_are_refused(client, shopper, store):
    store.is_active = False
    store.save()
    client.force_login(shopper)
    assert _post(client, preferred_store=store.pk).status_code == 400
    assert _post(client, language="xx").status_code == 400


def test_marketing_consent_is_recorded_with_wording_and_history(client, shopper):
    client.force_login(shopper)
    _post(client, marketing="on")
    _post(client, marketing="on")  # unchanged: no second row
    _post(client)  # withdrawn
    rows = list(MarketingConsent.objects.filter(user=shopper).order_by("created_at", "pk"))
    assert [r.granted for r in rows] == [True, False]
    assert "separate from the loyalty card" in rows[0].wording
    assert rows[0].language == "en"
    page = client.get(reverse("customers:account")).content.decode()
    assert page.count("News and offers: ") == 2


def test_account_page_needs_login(client):
    response = client.get(reverse("customers:account"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_account_page_german(client, shopper):
    client.force_login(shopper)
    client.cookies["django_language"] = "de"
    page = client.get(reverse("customers:account"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Mein Konto" in page
    assert "Meine Daten anfordern" in page
