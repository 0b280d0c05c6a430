"""Back in stock at my store: ask on the product page (one click, or e-mail with double opt-in),
every stock path that makes the variant available there sends one message with a cart link,
then the alert ends; lapse after 90 days, the account page, unsubscribe, export and erasure."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from inventory.alerts import (
    stock_alert_from_token,
    stock_alert_subscribe,
    stock_alert_token,
    stock_alerts_lapse,
)
from inventory.counts import stock_count_take
from inventory.errors import AlertLinkInvalid, AlertNotNeeded
from inventory.models import AlertStatus, StockAlert
from inventory.privacy import stock_alerts_export
from inventory.services import (
    Delta,
    stock_deltas_apply,
    stock_receive,
    stock_receive_damaged,
    stock_release,
    stock_reserve,
)
from inventory.snapshots import snapshot_read, stock_snapshot_import
from loyalty.till.services import ReceiptLineIn, till_receipt_book
from notifications.models import Channel, Notification
from shop.orders.models import Cart
from stores.selectors import SESSION_KEY as STORE_SESSION_KEY
from tests import factories
from tests.notifications.helpers import deliver

pytestmark = pytest.mark.django_db

ANON_ADDRESS = "kundin@example.com"


@pytest.fixture
def setup(db):
    """My store has none of the variant; another store has it."""
    mine = factories.StoreFactory(name="Filiale Mitte")
    other = factories.StoreFactory(name="Filiale Nord")
    variant = factories.VariantFactory(size="L", colour="Rot")
    factories.stock(other, variant, 5)
    factories.stock(mine, variant, 0)
    return mine, other, variant


def _choose(client, store):
    client.post(reverse("stores:choose"), {"store": store.code, "next": "/"})


def _page(client, variant, **headers):
    url = f"{variant.product.get_absolute_url()}?variant={variant.pk}"
    return client.get(url, **headers)


def _ask(client, variant, htmx=False, **data):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(
        reverse("shop:stock_alert", args=[variant.product.slug]),
        {"variant": variant.pk, **data},
        REMOTE_ADDR="203.0.113.7",
        **headers,
    )


def _back_messages(**filters):
    return Notification.objects.filter(kind="stock_back_in_store", **filters)


def _link(body: str, name: str) -> str:
    pattern = {
        "confirm": r"/alerts/confirm/[^/\s\"]+/",
        "end": r"/alerts/end/[^/\s\"]+/",
        "cart": r"/alerts/cart/[^/\s\"]+/",
    }[name]
    match = re.search(pattern, body)
    assert match, body
    return match.group(0)


# --- asking on the product page ---------------------------------------------------------------


def test_form_shows_only_when_the_variant_is_not_at_my_store(client, setup):
    mine, other, variant = setup
    assert 'data-testid="stock-alert"' not in _page(client, variant).content.decode()  # no store
    _choose(client, mine)
    page = _page(client, variant).content.decode()
    assert 'data-testid="stock-alert"' in page
    assert "Tell me when it is available at Filiale Mitte" in page
    assert 'name="email"' in page  # anonymous: the address is asked for
    _choose(client, other)
    assert 'data-testid="stock-alert"' not in _page(client, variant).content.decode()


def test_logged_in_shopper_asks_with_one_click(client, setup, shopper):
    mine, _other, variant = setup
    client.force_login(shopper)
    _choose(client, mine)
    page = _page(client, variant).content.decode()
    assert 'name="email"' not in page
    response = _ask(client, variant)
    assert response.status_code == 302
    alert = StockAlert.objects.get()
    assert (alert.user, alert.store, alert.variant, alert.status) == (
        shopper,
        mine,
        variant,
        AlertStatus.ACTIVE,
    )
    assert "We will tell you when it is available at Filiale Mitte" in (
        _page(client, variant).content.decode()
    )
    # Asking again (double click, htmx) keeps the one alert.
    response = _ask(client, variant, htmx=True)
    assert response.status_code == 200
    assert StockAlert.objects.count() == 1


def test_htmx_answer_is_the_alert_box(client, setup, shopper):
    mine, _other, variant = setup
    client.force_login(shopper)
    _choose(client, mine)
    response = _ask(client, variant, htmx=True)
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="stock-alert"')
    assert "We will tell you by e-mail and in your messages" in body


def test_bad_input_is_a_form_error_and_writes_nothing(client, setup):
    mine, _other, variant = setup
    _choose(client, mine)
    response = _ask(client, variant, email="not-an-address")
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    response = _ask(client, variant, email="")
    assert response.status_code == 400
    foreign = factories.VariantFactory()
    response = client.post(
        reverse("shop:stock_alert", args=[variant.product.slug]),
        {"variant": foreign.pk, "email": ANON_ADDRESS},
    )
    assert response.status_code == 400
    response = client.post(
        reverse("shop:stock_alert", args=[variant.product.slug]),
        {"variant": "x", "email": ANON_ADDRESS},
    )
    assert response.status_code == 400
    assert not StockAlert.objects.exists()
    assert client.get(reverse("shop:stock_alert", args=[variant.product.slug])).status_code == 405


def test_no_store_chosen_is_refused(client, setup):
    _mine, _other, variant = setup
    response = _ask(client, variant, email=ANON_ADDRESS)
    assert response.status_code == 400
    assert "Please choose your store first." in response.content.decode()
    assert not StockAlert.objects.exists()


def test_available_variant_needs_no_alert(setup, shopper):
    _mine, other, variant = setup
    with pytest.raises(AlertNotNeeded):
        stock_alert_subscribe(user=shopper, store=other, variant=variant)


def test_anonymous_requests_are_rate_limited(client, setup):
    mine, _other, variant = setup
    _choose(client, mine)
    for i in range(5):
        assert _ask(client, variant, email=f"a{i}@example.com").status_code == 302
    response = _ask(client, variant, email="a9@example.com")
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert StockAlert.objects.count() == 5


def test_one_address_is_rate_limited_from_any_client(client, setup):
    mine, _other, variant = setup
    _choose(client, mine)
    url = reverse("shop:stock_alert", args=[variant.product.slug])
    statuses = [
        client.post(
            url, {"variant": variant.pk, "email": ANON_ADDRESS}, REMOTE_ADDR=f"198.51.100.{i}"
        ).status_code
        for i in range(4)
    ]
    assert statuses == [302, 302, 302, 429]
    assert StockAlert.objects.count() == 1  # and asking again sent no second confirmation
    assert Notification.objects.filter(kind="stock_alert_confirm").count() == 1


# --- double opt-in ------------------------------------------------------------------------------


def test_anonymous_alert_is_active_only_after_confirmation(client, setup):
    mine, _other, variant = setup
    _choose(client, mine)
    assert _ask(client, variant, email="Kundin@Example.com").status_code == 302
    alert = StockAlert.objects.get()
    assert (alert.status, alert.email, alert.user) == (AlertStatus.PENDING, ANON_ADDRESS, None)

    deliver(kind="stock_alert_confirm")
    [confirmation] = mail.outbox
    assert confirmation.to == [ANON_ADDRESS]
    confirm_path = _link(confirmation.body, "confirm")

    # Stock arriving before the confirmation tells no one.
    stock_receive(store_id=mine.pk, variant_id=variant.pk, quantity=1)
    assert not _back_messages().exists()
    stock_deltas_apply(
        store_id=mine.pk,
        deltas=[Delta(variant_id=variant.pk, quantity=-1, kind="sale")],
    )

    # GET only shows (a mail scanner confirms nothing); POST confirms.
    page = client.get(confirm_path)
    assert page.status_code == 200
    alert.refresh_from_db()
    assert alert.status == AlertStatus.PENDING
    assert client.post(confirm_path).status_code == 200
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACTIVE and alert.confirmed_at

    stock_receive(store_id=mine.pk, variant_id=variant.pk, quantity=2)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.SENT
    [message] = _back_messages()
    assert (message.channel, message.recipient_email) == (Channel.EMAIL, ANON_ADDRESS)


def test_forged_or_expired_confirmation_is_refused(client, setup, monkeypatch):
    mine, _other, variant = setup
    alert = StockAlert.objects.create(
        store=mine, variant=variant, email=ANON_ADDRESS, status=AlertStatus.PENDING
    )
    token = stock_alert_token(alert=alert, purpose="confirm")
    assert client.post(reverse("shop:stock_alert_confirm", args=[token + "x"])).status_code == 404
    # A token for another purpose does not confirm.
    end_token = stock_alert_token(alert=alert, purpose="end")
    assert client.post(reverse("shop:stock_alert_confirm", args=[end_token])).status_code == 404
    later = timezone.now() + dt.timedelta(days=4)
    monkeypatch.setattr("django.core.signing.time.time", lambda: later.timestamp())
    with pytest.raises(AlertLinkInvalid):
        stock_alert_from_token(token=token, purpose="confirm")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.PENDING


def test_confirming_when_already_in_stock_sends_at_once(client, setup):
    mine, _other, variant = setup
    alert = StockAlert.objects.create(
        store=mine, variant=variant, email=ANON_ADDRESS, status=AlertStatus.PENDING
    )
    stock_receive(store_id=mine.pk, variant_id=variant.pk, quantity=1)
    token = stock_alert_token(alert=alert, purpose="confirm")
    client.post(reverse("shop:stock_alert_confirm", args=[token]))
    alert.refresh_from_db()
    assert alert.status == AlertStatus.SENT
    assert _back_messages().count() == 1


# --- the trigger: every way stock becomes available -------------------------------------------


@pytest.fixture
def waiting(setup, shopper):
    mine, _other, variant = setup
    alert = stock_alert_subscribe(user=shopper, store=mine, variant=variant)
    return mine, variant, alert


def _sent_once(alert):
    alert.refresh_from_db()
    assert alert.status == AlertStatus.SENT
    assert alert.sent_at is not None
    assert sorted(_back_messages().values_list("channel", flat=True)) == [
        Channel.EMAIL,
        Channel.IN_APP,
    ]


def test_goods_receipt_sends_one_message_and_ends_the_alert(waiting):
    mine, variant, alert = waiting
    stock_receive(store_id=mine.pk, variant_id=variant.pk, quantity=3)
    _sent_once(alert)
    # A burst of further increases sends nothing more.
    for _ in range(3):
        stock_receive(store_id=mine.pk, variant_id=variant.pk, quantity=1)
    stock_deltas_apply(
        store_id=mine.pk, deltas=[Delta(variant_id=variant.pk, quantity=2, kind="receipt")]
    )
    assert _back_messages().count() == 2  # e-mail and in-app, once


def test_till_return_sends(waiting):
    mine, variant, alert = waiting
    till_receipt_book(
        store=mine,
        number="R-1",
        total=Decimal("-49.90"),
        lines=[
            ReceiptLineIn(quantity=-1, unit_price=Decimal("49.90"), sku=variant.sku, returned=True)
        ],
    )
    _sent_once(alert)


def test_stock_count_sends(waiting):
    mine, variant, alert = waiting
    manager = factories.staff(mine, role="manager")
    stock_count_take(store=mine, user=manager, counted={variant.pk: 1})
    _sent_once(alert)


def test_snapshot_sends(waiting):
    mine, variant, alert = waiting
    rows = snapshot_read(f"store,sku,quantity\n{mine.code},{variant.sku},2\n", "s.csv")
    stock_snapshot_import(rows=rows)
    _sent_once(alert)


def test_released_reservation_sends(waiting):
    mine, variant, alert = waiting
    # The store had one unit, reserved by an order; the order is cancelled.
    alert.status = AlertStatus.SENT  # not yet: set up the reserved unit without the alert
    alert.save()
    stock_receive(store_id=mine.pk, variant_id=variant.pk, quantity=1)
    stock_reserve(store_id=mine.pk, reference="P-1", quantities={variant.pk: 1})
    alert.status = AlertStatus.ACTIVE
    alert.save()
    Notification.objects.all().delete()
    stock_release(reference="P-1")
    _sent_once(alert)


def test_units_that_are_not_available_send_nothing(waiting):
    mine, variant, alert = waiting
    level = factories.stock(mine, variant, 0, safety_buffer=2)
    assert level.safety_buffer == 2
    stock_receive(store_id=mine.pk, variant_id=variant.pk, quantity=2)  # all kept back
    stock_receive_damaged(store_id=mine.pk, variant_id=variant.pk, quantity=5)  # written off
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACTIVE
    assert not _back_messages().exists()
    other_store = factories.StoreFactory()
    stock_receive(store_id=other_store.pk, variant_id=variant.pk, quantity=2)  # elsewhere
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACTIVE


def test_message_link_puts_it_in_the_cart_with_that_store(client, waiting, shopper):
    mine, variant, alert = waiting
    alert.language = "en"
    alert.save()
    stock_receive(store_id=mine.pk, variant_id=variant.pk, quantity=1)
    deliver(kind="stock_back_in_store")
    [email] = mail.outbox
    assert email.to == [shopper.email]
    assert "is available at Filiale Mitte again" in email.subject
    cart_path = _link(email.body, "cart")
    assert "/alerts/end/" not in email.body  # an account's alert is ended in the account
    in_app = _back_messages(channel=Channel.IN_APP).get()
    assert in_app.link.startswith("/alerts/cart/")

    # Logged out, in a fresh browser: the link still works.
    response = client.get(cart_path)
    assert response.status_code == 302 and response["Location"] == reverse("pickup:cart")
    assert client.session[STORE_SESSION_KEY] == mine.pk
    cart = Cart.objects.get(user__isnull=True)
    assert [(line.variant_id, line.quantity) for line in cart.lines.all()] == [(variant.pk, 1)]
    client.get(cart_path)  # following it again adds nothing
    assert [line.quantity for line in cart.lines.all()] == [1]
    page = client.get(reverse("pickup:cart")).content.decode()
    assert "Filiale Mitte" in page and variant.product.name in page

    assert client.get(cart_path[:-3] + "xx/").status_code == 404


# --- lapse, account page, unsubscribe, privacy ----------------------------------------------------


def test_alerts_lapse_after_90_days(setup, shopper):
    mine, _other, variant = setup
    old = stock_alert_subscribe(user=shopper, store=mine, variant=variant)
    fresh_variant = factories.VariantFactory(product=variant.product)
    fresh = stock_alert_subscribe(user=shopper, store=mine, variant=fresh_variant)
    unconfirmed = StockAlert.objects.create(
        store=mine, variant=variant, email=ANON_ADDRESS, status=AlertStatus.PENDING
    )
    StockAlert.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=91))
    StockAlert.objects.filter(pk=unconfirmed.pk).update(
        created_at=timezone.now() - dt.timedelta(days=4)
    )
    assert stock_alerts_lapse() == 2
    assert stock_alerts_lapse() == 0
    statuses = dict(StockAlert.objects.values_list("pk", "status"))
    assert statuses == {
        old.pk: AlertStatus.LAPSED,
        fresh.pk: AlertStatus.ACTIVE,
        unconfirmed.pk: AlertStatus.LAPSED,
    }
    stock_receive(store_id=mine.pk, variant_id=variant.pk, quantity=1)
    assert not _back_messages().exists()


def test_account_page_lists_and_ends_alerts(client, setup, shopper):
    mine, _other, variant = setup
    alert = stock_alert_subscribe(user=shopper, store=mine, variant=variant)
    someone = factories.UserFactory()
    theirs = stock_alert_subscribe(user=someone, store=mine, variant=variant)
    client.force_login(shopper)
    page = client.get(reverse("customers:account")).content.decode()
    assert 'data-testid="stock-alerts"' in page
    assert variant.product.name in page and "at Filiale Mitte" in page
    # Someone else's alert cannot be ended from my account.
    client.post(reverse("customers:stock_alert_end", args=[theirs.public_id]))
    theirs.refresh_from_db()
    assert theirs.status == AlertStatus.ACTIVE
    response = client.post(reverse("customers:stock_alert_end", args=[alert.public_id]))
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ENDED
    assert "You have no open alerts" in client.get(reverse("customers:account")).content.decode()
    assert (
        client.get(reverse("customers:stock_alert_end", args=[alert.public_id])).status_code == 405
    )


def test_unsubscribe_link_in_each_email_ends_an_anonymous_alert(client, setup):
    mine, _other, variant = setup
    _choose(client, mine)
    _ask(client, variant, email=ANON_ADDRESS)
    deliver(kind="stock_alert_confirm")
    [confirmation] = mail.outbox
    end_path = _link(confirmation.body, "end")
    assert end_path in confirmation.alternatives[0][0]
    client.post(_link(confirmation.body, "confirm"))
    assert client.get(end_path).status_code == 200
    assert StockAlert.objects.get().status == AlertStatus.ACTIVE
    page = client.post(end_path)
    assert "This alert has ended" in page.content.decode()
    assert StockAlert.objects.get().status == AlertStatus.ENDED
    stock_receive(store_id=mine.pk, variant_id=variant.pk, quantity=1)
    assert not _back_messages().exists()


def test_export_and_erasure_include_alerts(client, setup, shopper):
    mine, _other, variant = setup
    stock_alert_subscribe(user=shopper, store=mine, variant=variant)
    StockAlert.objects.create(
        store=mine, variant=variant, email=shopper.email.lower(), status=AlertStatus.PENDING
    )
    stranger = StockAlert.objects.create(
        store=mine, variant=variant, email="someone@example.com", status=AlertStatus.PENDING
    )
    rows = stock_alerts_export(user_id=shopper.pk, emails=[shopper.email])
    assert sorted(row["status"] for row in rows) == ["active", "pending"]
    assert {row["store"] for row in rows} == {"Filiale Mitte"}

    from customers.selectors import customer_data
    from customers.services.erasure import erase_customer

    assert len(customer_data(user=shopper)["stock_alerts"]) == 2
    erase_customer(user=shopper, by=shopper, password=factories.PASSWORD)
    assert list(StockAlert.objects.values_list("pk", flat=True)) == [stranger.pk]


def test_german_product_page_and_message(client, setup, shopper):
    mine, _other, variant = setup
    _choose(client, mine)
    page = _page(client, variant, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Benachrichtigen Sie mich, wenn es in Filiale Mitte verfügbar ist" in page
    shopper.language = "de"
    shopper.save()
    alert = stock_alert_subscribe(user=shopper, store=mine, variant=variant)
    stock_receive(store_id=mine.pk, variant_id=variant.pk, quantity=1)
    deliver(kind="stock_back_in_store")
    [email] = mail.outbox
    assert "ist wieder in Filiale Mitte verfügbar" in email.subject
    assert alert.public_id


def test_staff_see_their_stores_alerts_in_the_admin_without_who_asked(client, setup):
    from django.contrib.auth.models import Permission

    mine, _other, variant = setup
    shopper = factories.UserFactory(email="wartende@example.com")
    stock_alert_subscribe(user=shopper, store=mine, variant=variant)
    elsewhere = factories.StoreFactory(name="Filiale Süd")
    factories.stock(elsewhere, variant, 0)
    stock_alert_subscribe(user=factories.UserFactory(), store=elsewhere, variant=variant)
    manager = factories.staff(mine)
    manager.user_permissions.add(Permission.objects.get(codename="view_stockalert"))
    client.force_login(manager)
    listing = client.get(reverse("admin:inventory_stockalert_changelist"))
    assert listing.status_code == 200
    assert [a.store for a in listing.context["cl"].result_list] == [mine]
    alert = StockAlert.objects.get(store=mine)
    page = client.get(reverse("admin:inventory_stockalert_change", args=[alert.pk]))
    assert page.status_code == 200 and "wartende@example.com" not in page.content.decode()
    hidden = StockAlert.objects.get(store=elsewhere)
    assert (
        client.get(reverse("admin:inventory_stockalert_change", args=[hidden.pk])).status_code
        == 302
    )


def test_a_smaller_safety_buffer_in_the_admin_sends_the_alert(client, waiting):
    from django.contrib.auth.models import Permission

    mine, variant, alert = waiting
    level = factories.stock(mine, variant, 0, safety_buffer=2)
    stock_receive(store_id=mine.pk, variant_id=variant.pk, quantity=2)  # all kept back
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACTIVE
    manager = factories.staff(mine)
    manager.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_stocklevel", "change_stocklevel"])
    )
    client.force_login(manager)
    url = reverse("admin:inventory_stocklevel_change", args=[level.pk])
    saved = client.post(url, {"safety_buffer": 1, "reorder_point": level.reorder_point})
    assert saved.status_code == 302
    _sent_once(alert)
