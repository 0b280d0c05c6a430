"""The contract model at checkout, the versions recorded on the order, and the withdrawal button."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from inventory.models import StockLevel
from loyalty.credit import store_credit_add, store_credit_balance
from notifications.models import Notification
from notifications.services import notification_deliver
from shop.orders.errors import OrderNotFound, WithdrawalRefused
from shop.orders.models import Order, OrderStatus, OrderWithdrawal
from shop.orders.services.orders import order_cancel
from shop.orders.services.withdrawal import order_withdraw, withdrawal_find
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked(store, variant):
    factories.stock(store, variant, 5)
    return variant


def place(store, variant, customer=None, **kw):
    return factories.pickup_order(store, [(variant, 2)], customer=customer, **kw)


def reserved(store, variant) -> int:
    return StockLevel.objects.get(store=store, variant=variant).reserved


def deliver(kind: str) -> None:
    for pk in Notification.objects.filter(kind=kind, channel="email").values_list("pk", flat=True):
        notification_deliver(notification_id=pk)


# --- what checkout records ---------------------------------------------------------------------


def test_an_order_records_the_contract_model_and_the_versions_in_force(
    store, stocked, legal_texts, purchase
):
    order = place(store, stocked)
    assert order.contract_model == "purchase"
    assert order.terms_version == legal_texts["terms"]
    assert order.privacy_version == legal_texts["privacy"]


def test_without_any_setting_an_order_is_a_reservation(store, stocked, db):
    order = place(store, stocked)
    assert order.contract_model == "reservation"
    assert order.terms_version is None and order.privacy_version is None


def test_the_checkout_button_says_which_contract_is_made(client, shopper, store, stocked, db):
    client.force_login(shopper)
    client.post(reverse("pickup:cart_add"), {"variant": stocked.pk, "quantity": 1})
    page = client.get(reverse("pickup:checkout"), HTTP_ACCEPT_LANGUAGE="de")
    assert "Unverbindlich reservieren" in page.text
    assert "Zahlungspflichtig bestellen" not in page.text
    assert 'href="/legal/terms/"' in page.text and 'href="/legal/privacy/"' in page.text

    from legal.services import contract_model_set

    contract_model_set(model="purchase")
    page = client.get(reverse("pickup:checkout"), HTTP_ACCEPT_LANGUAGE="de")
    assert "Zahlungspflichtig bestellen" in page.text
    assert "Unverbindlich reservieren" not in page.text
    assert 'href="/legal/withdrawal/"' in page.text


def test_the_api_returns_the_contract_of_an_order(client, shopper, store, stocked, legal_texts):
    client.force_login(shopper)
    response = client.post(
        "/api/v1/orders/",
        {
            "store": store.code,
            "lines": [{"sku": stocked.sku, "quantity": 1}],
            "phone": "030 123456",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["contract_model"] == "reservation"
    assert body["terms_version"]["url"] == legal_texts["terms"].get_absolute_url()
    assert body["privacy_version"]["page"] == "privacy"
    order = Order.objects.get(number=body["number"])
    assert order.terms_version == legal_texts["terms"]


def test_the_order_e_mail_quotes_the_versions_and_the_contract(
    store, stocked, legal_texts, purchase
):
    order = place(store, stocked)
    deliver("order_placed")
    [message] = [m for m in mail.outbox if order.number in m.subject]
    terms = legal_texts["terms"]
    assert "This is a binding purchase" in message.body
    assert f"{terms.get_absolute_url()}" in message.body
    assert "Our terms and conditions as valid from" in message.body
    assert "Privacy policy as valid from" in message.body
    # Every e-mail links the legal pages.
    for page in ("imprint", "terms", "privacy", "withdrawal"):
        assert f"/legal/{page}/" in message.body
    assert "/withdraw/" in message.body
    html = message.alternatives[0][0]
    site = settings.SITE_URL.rstrip("/")
    assert f'href="{site}{terms.get_absolute_url()}"' in html
    assert f'href="{site}/legal/imprint/"' in html


# --- points and credit do not change the contract ---------------------------------------------


def test_points_and_credit_keep_a_reservation_a_reservation(store, stocked, shopper, db):
    store_credit_add(user=shopper, amount=Decimal("5.00"), source="test:credit")
    order = place(store, stocked, customer=shopper, use_store_credit=True)
    assert order.contract_model == "reservation" and order.store_credit_used == Decimal("5.00")
    with pytest.raises(WithdrawalRefused, match="non-binding reservation"):
        withdrawal_find(number=order.number, email=order.email)
    order_cancel(order=order, actor=shopper)  # walking away costs nothing
    assert store_credit_balance(user=shopper) == Decimal("5.00")


# --- the withdrawal button ---------------------------------------------------------------------


def test_withdrawing_before_pickup_cancels_the_order_and_gives_everything_back(
    store, stocked, shopper, purchase
):
    store_credit_add(user=shopper, amount=Decimal("5.00"), source="test:credit")
    order = place(store, stocked, customer=shopper, use_store_credit=True)
    assert reserved(store, stocked) == 2
    found = withdrawal_find(number=order.number.lower(), email=order.email.upper())
    withdrawal = order_withdraw(order=found, email=order.email, name="Erika Mustermann")

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert reserved(store, stocked) == 0
    assert store_credit_balance(user=shopper) == Decimal("5.00")
    assert withdrawal.status_at_receipt == OrderStatus.PLACED
    assert withdrawal.name == "Erika Mustermann"
    # The confirmation (not the ordinary cancellation) goes out, with date and time of receipt.
    assert not Notification.objects.filter(kind="order_cancelled").exists()
    deliver("order_withdrawn")
    [message] = [m for m in mail.outbox if "Withdrawal" in m.subject]
    received = timezone.localtime(withdrawal.received_at)
    assert message.subject == f"Withdrawal from order {order.number} received"
    assert received.strftime("%H:%M") in message.body or received.strftime("%-I:%M") in message.body
    assert str(received.year) in message.body


def test_a_ready_order_can_be_withdrawn_from_too(store, stocked, shopper, purchase):
    order = place(store, stocked, customer=shopper, status="ready")
    order_withdraw(order=order, email=order.email, name="E. M.")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and reserved(store, stocked) == 0


def test_a_ready_order_still_cannot_be_cancelled_without_a_withdrawal(store, stocked, purchase):
    from shop.orders.errors import OrderError

    order = place(store, stocked, status="ready")
    with pytest.raises(OrderError):
        order_cancel(order=order, actor=order.customer)


def test_a_collected_order_is_recorded_within_14_days_and_refused_after(store, stocked, purchase):
    order = place(store, stocked, status="collected")
    withdrawal = order_withdraw(order=order, email=order.email, name="E. M.")
    order.refresh_from_db()
    assert order.status == OrderStatus.COLLECTED  # goods come back through the returns desk
    assert withdrawal.status_at_receipt == OrderStatus.COLLECTED

    late = place(store, stocked, status="collected")
    Order.objects.filter(pk=late.pk).update(collected_at=timezone.now() - dt.timedelta(days=15))
    with pytest.raises(WithdrawalRefused, match="withdrawal period"):
        withdrawal_find(number=late.number, email=late.email)


def test_withdrawal_refusals(store, stocked, purchase):
    order = place(store, stocked)
    with pytest.raises(OrderNotFound):
        withdrawal_find(number=order.number, email="someone@else.example")
    with pytest.raises(OrderNotFound):
        withdrawal_find(number="NOPE", email=order.email)
    order_withdraw(order=order, email=order.email, name="E. M.")
    with pytest.raises(WithdrawalRefused, match="already withdrawn"):
        withdrawal_find(number=order.number, email=order.email)
    with pytest.raises(WithdrawalRefused):
        order_withdraw(order=order, email=order.email, name="E. M.")
    assert OrderWithdrawal.objects.count() == 1


def test_the_two_steps_without_login(client, store, stocked, purchase):
    order = place(store, stocked)
    # Step 2 cannot be reached without step 1.
    assert client.get(reverse("pickup:withdraw_confirm")).url == reverse("pickup:withdraw")

    wrong = client.post(
        reverse("pickup:withdraw"), {"number": order.number, "email": "x@y.example", "name": "E"}
    )
    assert wrong.status_code == 422
    assert "No order with this number and e-mail address" in wrong.text
    empty = client.post(reverse("pickup:withdraw"), {})
    assert empty.status_code == 422

    step1 = client.post(
        reverse("pickup:withdraw"),
        {"number": order.number, "email": order.email, "name": "Erika Mustermann"},
    )
    assert step1.status_code == 302 and step1.url == reverse("pickup:withdraw_confirm")
    step2 = client.get(step1.url)
    assert order.number in step2.text and "Confirm withdrawal" in step2.text
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED  # nothing happens before the confirmation

    done = client.post(step1.url)
    assert done.status_code == 302
    page = client.get(done.url)
    assert "We received your withdrawal from order" in page.text
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    # A second confirmation (reload, double click) changes nothing.
    client.post(
        reverse("pickup:withdraw"), {"number": order.number, "email": order.email, "name": "E"}
    )
    assert OrderWithdrawal.objects.count() == 1


def test_the_withdrawal_pages_speak_german(client, db):
    page = client.get(reverse("pickup:withdraw"), HTTP_ACCEPT_LANGUAGE="de")
    assert "Vertrag widerrufen" in page.text and "Weiter zur Bestätigung" in page.text
    assert "Muster-Widerrufsformular" in page.text


def test_step_one_stops_a_client_that_tries_out_order_numbers(client, store, stocked, purchase):
    from django.core.cache import cache

    from shop.orders.errors import WithdrawalRateLimited
    from shop.orders.services.withdrawal import FIND_FAILURES, _failures_key

    order = place(store, stocked)
    guesser = "203.0.113.9"
    cache.delete(_failures_key(guesser))
    for attempt in range(FIND_FAILURES):
        with pytest.raises(OrderNotFound):
            withdrawal_find(number=f"CC-0000-{attempt:04d}", email=order.email, client=guesser)
    with pytest.raises(WithdrawalRateLimited) as refused:
        withdrawal_find(number=order.number, email=order.email, client=guesser)
    assert refused.value.http_status == 429 and refused.value.retry_at is not None
    # Another client is not affected, and the page answers the limited one with a 429.
    assert withdrawal_find(number=order.number, email=order.email, client="198.51.100.1") == order
    page = client.post(
        reverse("pickup:withdraw"),
        {"number": order.number, "email": order.email, "name": "E"},
        REMOTE_ADDR=guesser,
    )
    assert page.status_code == 429 and "Too many attempts" in page.text
    cache.delete(_failures_key(guesser))


def test_the_order_page_shows_the_contract_and_the_versions(
    client, store, stocked, legal_texts, purchase
):
    order = place(store, stocked)
    client.force_login(order.customer)
    page = client.get(order.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de")
    assert "Dies ist ein verbindlicher Kauf" in page.text
    assert f'href="{legal_texts["terms"].get_absolute_url()}"' in page.text
    assert f'href="{legal_texts["privacy"].get_absolute_url()}"' in page.text
    assert 'href="/withdraw/"' in page.text
