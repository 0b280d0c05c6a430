"""Stored texts are a code and parameters, rendered in the reader's language: a row written
while a German associate worked reads in English for an English shopper, and back."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from core.texts import Text, TextRegistry, literals_to_codes
from inventory.models import StockMovement
from inventory.texts import STOCK_MOVEMENT_TEXTS
from loyalty.models import PointsEntry, StoreCreditEntry
from loyalty.services import points_adjust, points_earn, points_redeem
from loyalty.texts import POINTS_TEXTS, STORE_CREDIT_TEXTS
from returns.models import RefundMethod, ReturnEvent
from returns.services import return_receive, return_refund, return_request_create
from returns.texts import RETURN_EVENT_TEXTS
from shop.orders.models import OrderEvent
from shop.orders.services import orders as services
from shop.orders.texts import ORDER_EVENT_TEXTS
from stores.models import StaffRole
from tests import factories
from tests.returns.helpers import inspect_all


def both(row, attribute="note_text"):
    texts = {}
    for language in ("de", "en"):
        with translation.override(language):
            texts[language] = getattr(row, attribute)
    return texts


@pytest.fixture
def world(db):
    store = factories.StoreFactory(pickup_hold_days=2)
    shopper = factories.UserFactory(language="en")
    factories.loyalty_account(shopper)
    jacket = factories.stocked_variant(store, "414.94")
    return store, shopper, jacket


def test_order_events_render_in_the_readers_language(world):
    store, shopper, jacket = world
    associate = factories.staff(store)
    with translation.override("de"):  # a German associate's request wrote the rows
        order = factories.pickup_order(store, [(jacket, 3)], customer=shopper)
        order = services.order_start_picking(order=order, actor=associate)
        services.order_mark_line_short(line=order.lines.get(), units=1, actor=associate)
    short = order.events.last()
    assert (short.note, short.note_code) == ("", "line_short")
    assert short.note_params == {"units": 1, "sku": jacket.sku}
    assert both(short) == {
        "de": f"1 × {jacket.sku} nicht gefunden",
        "en": f"1 × {jacket.sku} not found",
    }

    expiring = factories.pickup_order(store, [(jacket, 1)], customer=shopper, status="ready")
    expiring.hold_until = timezone.now() - dt.timedelta(minutes=1)
    expiring.save(update_fields=["hold_until"])
    with translation.override("de"):
        services.order_expire(order=expiring)
    assert both(expiring.events.last()) == {
        "de": "Nicht innerhalb von 2 Öffnungstagen abgeholt.",
        "en": "Not collected within 2 opening days.",
    }
    released = StockMovement.objects.get(reference=expiring.number, kind="pickup_released")
    assert both(released) == {"de": "Nicht abgeholt", "en": "Not collected"}
    # a reason somebody typed stays as it was typed
    typed = factories.pickup_order(store, [(jacket, 1)], customer=shopper)
    services.order_cancel(order=typed, actor=shopper, reason="Falsche Größe bestellt")
    assert both(typed.events.last()) == {"de": "Falsche Größe bestellt"} | {
        "en": "Falsche Größe bestellt"
    }
    assert typed.events.last().note_code == ""


def test_the_english_order_page_and_api_show_no_german_event_text(world):
    store, shopper, jacket = world
    with translation.override("de"):
        order = factories.pickup_order(store, [(jacket, 1)], customer=shopper)
        services.order_cancel(
            order=order, actor=shopper, reason=ORDER_EVENT_TEXTS.make("cancelled_by_customer")
        )
    client = Client(headers={"accept-language": "en"})
    client.force_login(shopper)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Cancelled by the customer" in page and "Vom Kunden storniert" not in page
    answer = client.get(
        reverse("api-order-detail", args=[order.number]), headers={"accept-language": "en"}
    ).json()
    cancelled = answer["events"][-1]
    assert cancelled["note"] == "Cancelled by the customer"
    assert cancelled["note_code"] == "cancelled_by_customer"
    german = client.get(
        reverse("api-order-detail", args=[order.number]), headers={"accept-language": "de"}
    ).json()
    assert german["events"][-1]["note"] == "Vom Kunden storniert"


def test_ledger_lines_and_return_events_in_both_languages(world):
    store, shopper, jacket = world
    associate = factories.staff(store)
    with translation.override("de"):
        points_earn(user=shopper, amount=Decimal("120"), source="receipt:x:1", channel="store")
        points_redeem(user=shopper, points=20, source="order:T-1", order_total=Decimal("50"))
        order = factories.collected_order(store, [(jacket, 1)], customer=shopper)
        ret = return_request_create(
            order=order, lines=[(order.lines.get(), 1)], reason="too_small", actor=shopper
        )
        return_receive(ret=ret, store=store, actor=associate, inspections=inspect_all(ret))
        return_refund(ret=ret, store=store, method=RefundMethod.STORE_CREDIT, actor=associate)
    redeemed = PointsEntry.objects.get(source="order:T-1")
    assert both(redeemed, "description_text") == {"de": "0,20\u00a0€ Rabatt", "en": "€0.20 off"}
    earned = PointsEntry.objects.get(source=f"order:{order.number}", kind="earn")
    assert both(earned, "description_text") == {
        "de": f"Bestellung {order.number}",
        "en": f"Order {order.number}",
    }
    credit = StoreCreditEntry.objects.get(source=f"refund:{ret.code}")
    assert both(credit) == {
        "de": f"Erstattung der Rückgabe {ret.code}",
        "en": f"Refund of return {ret.code}",
    }
    refunded = ret.events.last()
    assert refunded.note_params == {"amount": "414.94", "method": "store_credit"}
    assert both(refunded) == {
        "de": "414,94\u00a0€ erstattet (Guthaben)",
        "en": "€414.94 refunded (Store credit)",
    }
    restocked = StockMovement.objects.get(reference=ret.code)
    assert both(restocked) == {"de": f"Rückgabe {ret.code}", "en": f"Return {ret.code}"}

    # the shopper's card page in English, the associate's desk history in German
    client = Client(headers={"accept-language": "en"})
    client.force_login(shopper)
    card = client.get(reverse("loyalty:card")).content.decode()
    assert "€0.20 off" in card and "Rabatt" not in card


def test_a_manager_adjustment_keeps_the_typed_reason(world):
    store, shopper, _jacket = world
    manager = factories.staff(store, role=StaffRole.MANAGER)
    account = shopper.loyalty_account
    entry = points_adjust(account=account, points=50, reason="Kulanz", actor=manager)
    assert (entry.description, entry.description_code) == ("Kulanz", "")
    assert both(entry, "description_text") == {"de": "Kulanz", "en": "Kulanz"}


def test_existing_rows_migrate_from_german_and_english_literals(world):
    """The data migrations' mapping: known texts in either language become codes; money written
    either way is read back; what matches nothing stays a literal."""
    store, shopper, jacket = world
    order = factories.pickup_order(store, [(jacket, 1)], customer=shopper)
    rows = [
        OrderEvent.objects.create(order=order, to_status="placed", note=note)
        for note in (
            "Nicht innerhalb von 3 Öffnungstagen abgeholt.",
            "Not collected within 3 opening days.",
            "Bezahlung bei Abholung in der Filiale: 414,94\u00a0€",
            "Pay at the counter on pickup: €1,234.50",
            "Bitte anrufen",
        )
    ]
    assert literals_to_codes(OrderEvent, ORDER_EVENT_TEXTS) == 4
    for row in rows:
        row.refresh_from_db()
    assert [r.note_code for r in rows] == [
        "not_collected",
        "not_collected",
        "collected",
        "collected",
        "",
    ]
    assert rows[0].note_params == {"days": 3} and rows[0].note == ""
    assert rows[2].note_params == {"method": "counter", "amount": "414.94"}
    assert rows[3].note_params == {"method": "counter", "amount": "1234.50"}
    assert both(rows[3]) == {
        "de": "Bezahlung bei Abholung in der Filiale: 1.234,50\u00a0€",
        "en": "Pay at the counter on pickup: €1,234.50",
    }
    assert rows[4].note == "Bitte anrufen" and both(rows[4])["en"] == "Bitte anrufen"

    ret_event = ReturnEvent.objects.create(
        return_request=factories_return(store, shopper, jacket),
        to_status="closed",
        note="Vom Kunden storniert",
    )
    points = PointsEntry.objects.create(
        account=shopper.loyalty_account,
        kind="redeem",
        points=-20,
        source="order:OLD",
        channel="online",
        description="0.20 € Rabatt",
        occurred_at=timezone.now(),
    )
    credit = StoreCreditEntry.objects.create(
        user=shopper, amount=Decimal("5"), source="x", note="Refund of return R-1"
    )
    movement = StockMovement.objects.create(
        store=store, variant=jacket, kind="pickup_released", note="ERP snapshot stock.csv"
    )
    assert literals_to_codes(ReturnEvent, RETURN_EVENT_TEXTS) == 1
    assert literals_to_codes(PointsEntry, POINTS_TEXTS, "description") == 1
    assert literals_to_codes(StoreCreditEntry, STORE_CREDIT_TEXTS) == 1
    assert literals_to_codes(StockMovement, STOCK_MOVEMENT_TEXTS) >= 1
    for row in (ret_event, points, credit, movement):
        row.refresh_from_db()
    assert both(ret_event)["en"] == "Cancelled by the customer"
    assert both(points, "description_text") == {"de": "0,20\u00a0€ Rabatt", "en": "€0.20 off"}
    assert both(credit)["de"] == "Erstattung der Rückgabe R-1"
    assert both(movement) == {
        "de": "ERP-Bestandsdatei stock.csv",
        "en": "ERP snapshot stock.csv",
    }


def factories_return(store, shopper, jacket):
    order = factories.collected_order(store, [(jacket, 1)], customer=shopper)
    return return_request_create(
        order=order, lines=[(order.lines.get(), 1)], reason="too_small", actor=shopper
    )


def test_registry_refuses_unknown_codes_and_falls_back_to_the_literal():
    registry = TextRegistry("test")
    registry.register(Text("hello", "Hello %(name)s"))
    with pytest.raises(ValueError):
        registry.register(Text("hello", "again"))
    with pytest.raises(KeyError):
        registry.make("nope")
    assert registry.render("hello", {"name": "Anna"}) == "Hello Anna"
    assert registry.render("hello", {}, "as typed") == "as typed"  # parameters missing
    assert registry.render("gone", {"name": "Anna"}, "old text") == "old text"
    assert registry.parse("Hello Anna") == registry.make("hello", name="Anna")
    assert registry.parse("Goodbye") is None


def test_messages_page_shows_a_message_in_the_readers_language_now(world):
    """A message delivered in German reads in English once the shopper reads in English."""
    from notifications.models import Channel, Notification
    from notifications.services import notification_deliver

    store, shopper, jacket = world
    shopper.language = "de"
    shopper.save(update_fields=["language"])
    with translation.override("de"):  # ordered on the German pages
        order = factories.pickup_order(store, [(jacket, 1)], customer=shopper)
    services.order_cancel(
        order=order, actor=shopper, reason=ORDER_EVENT_TEXTS.make("cancelled_by_customer")
    )
    message = Notification.objects.get(kind="order_cancelled", channel=Channel.IN_APP)
    notification_deliver(notification_id=message.pk)
    message.refresh_from_db()
    assert message.language == "de" and "storniert" in message.title

    shopper.language = "en"
    shopper.save(update_fields=["language"])
    client = Client(headers={"accept-language": "en"})
    client.force_login(shopper)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert f"Your order {order.number}" in page
    assert "Cancelled by the customer" in page
    assert "storniert" not in page and "Vom Kunden" not in page
