"""Invoice numbers: one sequence per year, no gaps, no doubles, also when invoices race."""

import threading

import pytest
from django.db import close_old_connections, connections, transaction

from payments.invoices import credit_note_issue, invoice_issue
from payments.models import Invoice, Payment
from tests import factories
from tests.components import require_postgres


def _orders(store, n):
    variant = factories.stocked_variant(store, "10.00", units=50)
    orders = []
    for i in range(n):
        order = factories.collected_order(store, [(variant, 1)])
        Payment.objects.create(order=order, intent_id=f"pi_race_{i}", amount_cents=1000)
        orders.append(order)
    return orders


@pytest.mark.django_db
def test_numbers_follow_each_other_and_a_rollback_leaves_no_gap(store):
    first, second, third = _orders(store, 3)
    a = invoice_issue(order=first, payment=first.payment)
    with pytest.raises(RuntimeError), transaction.atomic():
        invoice_issue(order=second, payment=second.payment)
        raise RuntimeError("the handover failed after the invoice")
    b = invoice_issue(order=third, payment=third.payment)
    note = credit_note_issue(order=first, payment=first.payment, refund_ref="re_1", cents=500)
    year = a.year
    assert [a.number, b.number, note.number] == [
        f"{year}-000001",
        f"{year}-000002",
        f"{year}-000003",
    ]
    # Issuing again returns the same documents.
    assert invoice_issue(order=first, payment=first.payment).pk == a.pk
    assert (
        credit_note_issue(order=first, payment=first.payment, refund_ref="re_1", cents=500).pk
        == note.pk
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_invoices_get_distinct_numbers_without_gaps():
    require_postgres()
    store = factories.StoreFactory()
    orders = _orders(store, 8)
    barrier = threading.Barrier(len(orders))
    errors: list = []

    def issue(order):
        try:
            barrier.wait()
            invoice_issue(order=order, payment=Payment.objects.get(order=order))
        except Exception as exc:  # asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(o,)) for o in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    close_old_connections()
    assert not errors
    sequences = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, len(orders) + 1))
