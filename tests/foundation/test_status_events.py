"""core.events: the one writer of order and return timeline rows."""

import pytest

from core.events import status_event_record
from shop.orders.models import OrderEvent, OrderStatus
from tests import factories

pytestmark = pytest.mark.django_db


def test_writes_the_row_and_clips_the_note_to_its_column(store):
    variant = factories.VariantFactory()
    factories.stock(store, variant, 3)
    order = factories.pickup_order(store, [(variant, 1)])
    associate = factories.staff(store)
    event = status_event_record(
        OrderEvent,
        order=order,
        actor=associate,
        from_status=OrderStatus.PLACED,
        to_status=OrderStatus.PICKING,
        note="x" * 300,
    )
    event.refresh_from_db()
    assert (event.order, event.actor, event.from_status, event.to_status) == (
        order,
        associate,
        OrderStatus.PLACED,
        OrderStatus.PICKING,
    )
    assert event.note == "x" * 255
    first = status_event_record(OrderEvent, order=order, actor=None, to_status=OrderStatus.PLACED)
    assert (first.from_status, first.note, first.actor) == ("", "", None)
