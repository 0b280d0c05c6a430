"""Sign-up does not tell whether an address is registered (issue 11, item 9), and still works:
confirm the e-mail, be logged in, go on to checkout with the cart."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "Wald-und-Wiese-7"


def _sign_up(client, email, next_url=""):
    url = reverse("account_signup") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"email": email, "password1": PASSWORD, "password2": PASSWORD})


def test_a_registered_address_gets_the_same_answer_as_a_new_one(client, settings):
    settings.LANGUAGE_CODE = "en"
    taken = factories.UserFactory(email="erika@example.com")
    new = _sign_up(client, "neu@example.com")
    client.cookies.clear()
    known = _sign_up(client, "ERIKA@example.com")
    assert new.status_code == known.status_code == 302
    assert new["Location"] == known["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    page = client.get(known["Location"]).content.decode()
    assert "already" not in page.lower()
    assert User.objects.filter(email__iexact="erika@example.com").get() == taken
    # the owner of the registered address hears about it; the new address gets its link
    to = {tuple(message.to): message for message in mail.outbox}
    assert set(to) == {("neu@example.com",), ("erika@example.com",)}
    assert "already" in to[("erika@example.com",)].body.lower()


def test_sign_up_confirm_and_go_on_to_checkout_with_the_cart(client, store):
    variant = factories.stocked_variant(store, "49.90")
    client.post(reverse("pickup:cart_add"), {"variant": variant.pk, "quantity": 1})
    response = _sign_up(client, "frisch@example.com", "/checkout/")
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="frisch@example.com")
    assert user.loyalty_account.card_number  # the account is finished at once
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page = client.get(link)
    confirmed = client.post(link.split("testserver", 1)[-1] if "testserver" in link else link)
    assert page.status_code == 200
    assert confirmed.status_code == 302 and confirmed["Location"] == "/checkout/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.cart.lines.get().variant == variant


def test_an_existing_unverified_account_still_logs_in(client):
    user = factories.UserFactory()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
