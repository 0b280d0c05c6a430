"""The cart: anonymous and logged in, merge on login, validation, htmx responses."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from shop.orders.models import Cart, CartLine
from shop.orders.models.cart import CART_SESSION_KEY
from tests import factories

from .conftest import english_client, htmx

ADD = reverse("pickup:cart_add")


def lines(cart) -> dict[int, int]:
    return dict(CartLine.objects.filter(cart=cart).values_list("variant_id", "quantity"))


def add(client, variant, quantity=1, **extra):
    return client.post(ADD, {"variant": variant.pk, "quantity": quantity}, **extra)


@pytest.mark.django_db
def test_anonymous_cart_lives_in_the_session(client, jacket):
    response = add(client, jacket, 2)

    assert response.status_code == 302
    cart = Cart.objects.get()
    assert cart.user is None
    assert client.session[CART_SESSION_KEY] == str(cart.token)
    assert lines(cart) == {jacket.pk: 2}
    page = client.get(reverse("pickup:cart"))
    assert "Regenjacke" in page.content.decode()
    # Another browser has its own (empty) cart.
    other = english_client().get(reverse("pickup:cart"))
    assert "Regenjacke" not in other.content.decode()


@pytest.mark.django_db
def test_logged_in_cart_belongs_to_the_account_on_every_device(client, shopper, jacket):
    phone, desktop = english_client(), english_client()
    phone.force_login(shopper)
    desktop.force_login(shopper)

    add(phone, jacket, 3)

    assert lines(Cart.objects.get(user=shopper)) == {jacket.pk: 3}
    assert "Regenjacke" in desktop.get(reverse("pickup:cart")).content.decode()
    add(desktop, jacket, 1)
    assert Cart.objects.count() == 1
    assert lines(shopper.cart) == {jacket.pk: 4}


@pytest.mark.django_db
def test_login_merges_the_anonymous_cart_into_the_account(client, shopper, jacket, boots):
    account_cart = Cart.objects.create(user=shopper)
    CartLine.objects.create(cart=account_cart, variant=jacket, quantity=98)
    add(client, jacket, 5)
    add(client, boots, 2)
    anonymous = Cart.objects.get(user__isnull=True)

    response = client.post(
        reverse("account_login"), {"login": shopper.email, "password": factories.PASSWORD}
    )

    assert response.status_code == 302
    assert lines(account_cart) == {jacket.pk: 99, boots.pk: 2}  # 98 + 5 capped at 99
    assert not Cart.objects.filter(pk=anonymous.pk).exists()
    assert CART_SESSION_KEY not in client.session
    assert Cart.objects.count() == 1


@pytest.mark.django_db
def test_sign_up_keeps_the_cart(client, jacket):
    add(client, jacket, 1)

    response = client.post(
        reverse("account_signup") + "?next=/checkout/",
        {
            "email": "new@example.com",
            "password1": "Wald-und-Wiese-7",
            "password2": "Wald-und-Wiese-7",
        },
    )

    # Sign-up asks to confirm the address (it does not tell whether it was registered before);
    # the confirmation link logs the shopper in and goes on to checkout with the cart.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    link = re.search(r"/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == "/checkout/"
    cart = Cart.objects.get()
    assert cart.user.email == "new@example.com"
    assert lines(cart) == {jacket.pk: 1}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "between 1 and 99"),
        ("-2", "between 1 and 99"),
        ("100", "between 1 and 99"),
        ("abc", "whole number"),
        ("1.5", "whole number"),
        ("", "whole number"),
    ],
)
def test_bad_quantities_are_refused_with_a_message(client, jacket, quantity, message):
    response = add(client, jacket, quantity, **htmx())

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "HX-Trigger" not in response
    assert not CartLine.objects.exists()


@pytest.mark.django_db
def test_unknown_and_inactive_variants_are_refused(client, jacket):
    retired = factories.VariantFactory(is_active=False)
    hidden = factories.VariantFactory(product__is_active=False)
    for variant_id in (retired.pk, hidden.pk, 999999):
        response = client.post(ADD, {"variant": variant_id, "quantity": 1}, **htmx())
        assert "not available any more" in response.content.decode()
    response = client.post(ADD, {"variant": "x", "quantity": 1}, **htmx())
    assert "Unknown product" in response.content.decode()
    assert not CartLine.objects.exists()


@pytest.mark.django_db
def test_adding_beyond_99_is_refused_and_keeps_the_line(client, shopper, jacket):
    client.force_login(shopper)
    add(client, jacket, 90)

    response = add(client, jacket, 10, **htmx())

    assert "at most 99" in response.content.decode()
    assert lines(shopper.cart) == {jacket.pk: 90}


@pytest.mark.django_db
def test_add_to_cart_with_htmx_returns_a_confirmation_and_triggers_the_counter(client, jacket):
    response = add(client, jacket, 2, **htmx())

    body = response.content.decode()
    assert response.status_code == 200
    assert "cart-changed" in response["HX-Trigger"]
    assert "Added 2 to your cart" in body
    assert "<html" not in body
    counter = client.get(reverse("pickup:cart_count"), **htmx())
    assert ">2 items</strong>" in counter.content.decode()
    assert counter.content.decode().lstrip().startswith('<a id="cart-link"')


@pytest.mark.django_db
def test_quantity_stepper_and_remove_update_the_cart_in_place(client, jacket, boots):
    add(client, jacket, 1)
    add(client, boots, 1)
    cart = Cart.objects.get()
    url = reverse("pickup:cart_line_update", args=[jacket.pk])

    plus = client.post(url, {"quantity": "1", "set_quantity": "2"}, **htmx())
    typed = client.post(url, {"quantity": "4"}, **htmx())

    assert plus.status_code == typed.status_code == 200
    assert "cart-changed" in plus["HX-Trigger"]
    body = typed.content.decode()
    assert body.lstrip().startswith('<div id="cart-body"')
    assert "479.60" in body  # 4 × 89.90 + 120.00
    assert lines(cart) == {jacket.pk: 4, boots.pk: 1}

    refused = client.post(url, {"quantity": "0"}, **htmx())
    assert "between 1 and 99" in refused.content.decode()
    assert lines(cart) == {jacket.pk: 4, boots.pk: 1}

    removed = client.post(reverse("pickup:cart_line_remove", args=[boots.pk]), **htmx())
    assert "Wanderschuh" not in removed.content.decode()
    assert lines(cart) == {jacket.pk: 4}


@pytest.mark.django_db
def test_changing_a_line_that_is_not_in_the_cart_says_so(client, jacket, boots):
    add(client, jacket, 1)

    response = client.post(
        reverse("pickup:cart_line_update", args=[boots.pk]), {"quantity": "2"}, follow=True
    )

    assert "not in your cart any more" in response.content.decode()
    assert lines(Cart.objects.get()) == {jacket.pk: 1}


@pytest.mark.django_db
def test_purge_deletes_only_old_anonymous_carts(shopper, jacket):
    import datetime as dt
    from io import StringIO

    from django.core.management import CommandError, call_command
    from django.utils import timezone

    old_anonymous, fresh_anonymous = Cart.objects.create(), Cart.objects.create()
    old_account = Cart.objects.create(user=shopper)
    CartLine.objects.create(cart=old_anonymous, variant=jacket, quantity=1)
    long_ago = timezone.now() - dt.timedelta(days=31)
    Cart.objects.filter(pk__in=[old_anonymous.pk, old_account.pk]).update(updated_at=long_ago)

    out = StringIO()
    call_command("purge_carts", "--days", "30", stdout=out)

    assert "Deleted 1 abandoned cart(s)." in out.getvalue()
    assert set(Cart.objects.values_list("pk", flat=True)) == {fresh_anonymous.pk, old_account.pk}
    assert not CartLine.objects.exists()
    with pytest.raises(CommandError):
        call_command("purge_carts", "--days", "0")
    assert Cart.objects.count() == 2
