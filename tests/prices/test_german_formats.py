"""Amounts, dates and times as the reader's language writes them: "414,94 €" and
"5. Dezember 2026, 20:00 Uhr" in German, "€414.94" and "5 December 2026, 8:00 pm" in English.
No page or e-mail shows an English-style "414.94 €" to a German reader."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from core.templatetags.money import format_money
from legal.models import LegalPage
from notifications.models import Channel, Notification
from notifications.services import notification_deliver
from returns.models import RefundMethod
from returns.services import return_receive, return_refund, return_request_create
from shop.orders.notifications import notify_order_reminder
from shop.orders.services import orders as services
from stores.selectors import SESSION_KEY as MY_STORE_KEY
from tests import factories
from tests.legal.conftest import legal_texts  # noqa: F401 (a fixture)
from tests.orders.helpers import drop_rescues
from tests.returns.helpers import inspect_all

ENGLISH_AMOUNT_IN_GERMAN = re.compile(r"\d+\.\d{2}\s?€")
ENGLISH_TIME = re.compile(r"\d (a\.m\.|p\.m\.|am|pm)\b")


def test_money_and_dates_by_language():
    assert format_money(Decimal("414.94"), "de") == "414,94\u00a0€"
    assert format_money(Decimal("414.94"), "en") == "€414.94"
    assert format_money(Decimal("1234.5"), "de") == "1.234,50\u00a0€"
    moment = timezone.make_aware(dt.datetime(2026, 12, 5, 20, 0))
    with translation.override("de"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "5. Dezember 2026, 20:00 Uhr"
    with translation.override("en"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "5 December 2026, 8:00 pm"
        assert formats.time_format(moment.replace(hour=9), "TIME_FORMAT") == "9:00 am"
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "05/12/2026, 8:00 pm"
    with translation.override("de"):
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "05.12.2026 20:00"


def test_no_template_writes_a_raw_number_before_a_euro_sign():
    """Every amount goes through the `money` filter (or format_money), never "{{ x }} €"."""
    raw = re.compile(r"(\}\}|floatformat:2 \}\}|\)s) ?€")
    offenders = []
    for folder in [Path(settings.BASE_DIR)]:
        for path in folder.rglob("templates/**/*"):
            if ".venv" in path.parts or not path.is_file():
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if raw.search(line):
                    offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}")
    assert not offenders


@pytest.fixture
def world(db):
    store = factories.StoreFactory()
    shopper = factories.UserFactory(language="de")
    factories.loyalty_account(shopper)
    jacket = factories.stocked_variant(store, "414.94")
    socks = factories.stocked_variant(store, "5.99")
    return store, shopper, jacket, socks


@pytest.mark.usefixtures("legal_texts")
def test_main_pages_and_every_mail_speak_german_amounts(world):
    store, shopper, jacket, socks = world
    associate = factories.staff(store)
    client = Client(headers={"accept-language": "de"})
    client.force_login(shopper)
    session = client.session
    session[MY_STORE_KEY] = store.pk
    session.save()

    with translation.override("de"):
        collected = factories.collected_order(store, [(jacket, 1), (socks, 3)], customer=shopper)
        line = collected.lines.get(variant=jacket)
        ret = return_request_create(
            order=collected, lines=[(line, 1)], reason="too_small", actor=shopper
        )
        return_receive(ret=ret, store=store, actor=associate, inspections=inspect_all(ret))
        return_refund(ret=ret, store=store, method=RefundMethod.STORE_CREDIT, actor=associate)
        short = factories.pickup_order(store, [(socks, 2)], customer=shopper)
        short = services.order_start_picking(order=short, actor=associate)
        services.order_mark_line_short(line=short.lines.get(), units=1, actor=associate)
        drop_rescues(short)  # the shopper leaves the missing pair out
        ready = services.order_mark_ready(order=short, actor=associate)
        notify_order_reminder(ready)
        cancelled = factories.pickup_order(store, [(socks, 1)], customer=shopper)
        services.order_cancel(order=cancelled, actor=shopper)
        expiring = factories.pickup_order(store, [(socks, 1)], customer=shopper, status="ready")
        expiring.hold_until = timezone.now() - dt.timedelta(minutes=1)
        expiring.save(update_fields=["hold_until"])
        services.order_expire(order=expiring)
    client.post(reverse("pickup:cart_add"), {"variant": jacket.pk, "quantity": 1})

    pages = {
        "home": reverse("shop:home"),
        "list": reverse("shop:product_list"),
        "product": jacket.product.get_absolute_url(),
        "cart": reverse("pickup:cart"),
        "checkout": reverse("pickup:checkout"),
        "order": collected.get_absolute_url(),
        "return": ret.get_absolute_url(),
        "card": reverse("loyalty:card"),
        "orders": reverse("pickup:order_list"),
        "messages": reverse("notifications:inbox"),
        "search": reverse("shop:product_list") + "?q=jacke",
        "stores": reverse("stores:finder"),
        "store": reverse("stores:detail", args=[store.code]),
        "returns": reverse("returns:list"),
        "short order": short.get_absolute_url(),
        "cancelled order": cancelled.get_absolute_url(),
        "expired order": expiring.get_absolute_url(),
        "withdraw": reverse("pickup:withdraw"),
        **{f"legal {page}": reverse("legal:page", args=[page]) for page in LegalPage.values},
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert not ENGLISH_AMOUNT_IN_GERMAN.findall(html), name
        assert not ENGLISH_TIME.findall(html), name
    order_page = client.get(collected.get_absolute_url()).content.decode()
    assert "414,94\u00a0€" in order_page

    kinds = set()
    for row in Notification.objects.filter(channel__in=[Channel.EMAIL, Channel.IN_APP]):
        notification_deliver(notification_id=row.pk)
        row.refresh_from_db()
        kinds.add(row.kind)
        assert not ENGLISH_AMOUNT_IN_GERMAN.findall(row.body or ""), row.kind
    for message in mail.outbox:
        assert message.extra_headers.get("Content-Language") == "de"
        for text in [message.body, *(body for body, _type in message.alternatives)]:
            assert not ENGLISH_AMOUNT_IN_GERMAN.findall(text), message.subject
    assert {
        "order_placed",
        "order_rescue",  # a short pick asks the shopper what to do (was order_changed)
        "order_ready",
        "order_reminder",
        "order_received",
        "order_cancelled",
        "order_expired",
        "return_received",
        "refund_issued",
    } <= kinds
    assert any("414,94\u00a0€" in m.body for m in mail.outbox)


def test_english_pages_show_no_german_stored_texts(world):
    """The same orders, return and card read in English: no German note, ledger line or
    amount written the German way."""
    store, shopper, jacket, socks = world
    associate = factories.staff(store)
    shopper.language = "en"
    shopper.save(update_fields=["language"])
    with translation.override("de"):  # everything written while German pages were in use
        collected = factories.collected_order(store, [(jacket, 1)], customer=shopper)
        ret = return_request_create(
            order=collected, lines=[(collected.lines.get(), 1)], reason="too_small", actor=shopper
        )
        return_receive(ret=ret, store=store, actor=associate, inspections=inspect_all(ret))
        return_refund(ret=ret, store=store, method=RefundMethod.STORE_CREDIT, actor=associate)
        short = factories.pickup_order(store, [(socks, 2)], customer=shopper)
        short = services.order_start_picking(order=short, actor=associate)
        services.order_mark_line_short(line=short.lines.get(), units=1, actor=associate)
    client = Client(headers={"accept-language": "en"})
    client.force_login(shopper)
    for url in (
        collected.get_absolute_url(),
        short.get_absolute_url(),
        ret.get_absolute_url(),
        reverse("loyalty:card"),
    ):
        html = client.get(url).content.decode()
        for german in ("nicht gefunden", "Rückgabe", "erstattet", "Bestellung ", "Rabatt"):
            assert german not in html, (url, german)
        assert not re.findall(r"\d+,\d{2}\s?€", html), url


@pytest.mark.parametrize(
    "text",
    [
        "100 points = 1 €",
        "100 points = 1 €, for up to half of the order.",
        "100 points = 1 €, at most half of the receipt. The same receipt twice takes the points "
        "only once.",
        "Loyalty points to use (100 points = 1 €, at most half of the order).",
        "The amount must be more than 0 €.",
    ],
)
def test_amounts_inside_texts_follow_the_language(text):
    """Texts written with a German amount ("1 €") read "€1" in English (locale/en)."""
    from django.utils.translation import gettext

    with translation.override("en"):
        english = gettext(text)
    with translation.override("de"):
        german = gettext(text)
    assert re.search(r"€\d", english) and not re.search(r"\d €", english)
    assert re.search(r"\d\s?€", german) and german != text
