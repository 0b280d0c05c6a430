"""Two associates in two stores take back the same units of one order at the same moment."""

import threading

import pytest
from django.db import connection, transaction
from django.utils import translation

from returns.errors import ReturnRefused
from returns.models import ReturnLine, ReturnRequest
from returns.services import return_request_create
from tests import factories
from tests.components import require_postgres

pytestmark = pytest.mark.django_db(transaction=True)


def test_second_counter_waits_for_the_first_and_is_refused(store, shopper):
    """The first counter holds the order lock while the second tries: the second blocks until
    the first commits, then sees its units as returned. Without the lock the second would
    finish at once and return the same units again."""
    require_postgres()
    socks = factories.VariantFactory(price="5.00")
    factories.stock(store, socks, 5)
    order = factories.collected_order(store, [(socks, 3)], customer=shopper)
    line = order.lines.get()
    first_store, second_store = factories.StoreFactory(), factories.StoreFactory()
    first, second = factories.staff(first_store), factories.staff(second_store)
    outcome: list[str] = []

    def second_counter():
        try:
            translation.activate("en")  # a new thread starts in the shop's default language
            return_request_create(
                order=order,
                lines=[(line.pk, 2)],
                reason="too_large",
                actor=second,
                store=second_store,
            )
            outcome.append("created")
        except ReturnRefused as exc:
            outcome.append(str(exc))
        finally:
            connection.close()

    with transaction.atomic():
        return_request_create(
            order=order, lines=[(line.pk, 2)], reason="too_small", actor=first, store=first_store
        )
        thread = threading.Thread(target=second_counter)
        thread.start()
        thread.join(timeout=1.0)
        assert thread.is_alive(), "the second counter must wait for the order lock"
    thread.join(timeout=10)

    assert len(outcome) == 1 and "1 of 3 can still be returned, not 2" in outcome[0]
    assert ReturnRequest.objects.count() == 1
    assert sum(ReturnLine.objects.values_list("quantity", flat=True)) == 2
