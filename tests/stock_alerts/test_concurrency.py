"""Stock increases landing at once on PostgreSQL: each alert sends one message, never two."""

import pytest

from inventory.alerts import stock_alert_confirm, stock_alert_subscribe, stock_alert_token
from inventory.errors import AlertNotNeeded
from inventory.models import AlertStatus, StockAlert
from inventory.services import Delta, stock_deltas_apply, stock_receive
from notifications.models import Notification
from tests import factories
from tests.components import require_postgres, run_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_burst_of_stock_increases_sends_one_message_per_alert():
    require_postgres()
    store = factories.StoreFactory()
    variant = factories.VariantFactory()
    factories.stock(store, variant, 0)
    shoppers = [factories.UserFactory() for _ in range(3)]
    alerts = [stock_alert_subscribe(user=u, store=store, variant=variant) for u in shoppers]

    def receive():
        return stock_receive(store_id=store.pk, variant_id=variant.pk, quantity=1)

    def till_return():
        return stock_deltas_apply(
            store_id=store.pk,
            deltas=[Delta(variant_id=variant.pk, quantity=1, kind="return_restock")],
        )

    results = run_concurrently([receive, receive, receive, till_return, till_return, receive])
    assert not [r for r in results if isinstance(r, Exception)], results

    assert set(StockAlert.objects.values_list("status", flat=True)) == {AlertStatus.SENT}
    messages = Notification.objects.filter(kind="stock_back_in_store")
    # One e-mail and one in-app message per alert, whatever the number of increases.
    assert messages.count() == 2 * len(alerts)
    assert sorted(set(messages.values_list("subject_id", flat=True))) == sorted(
        str(a.pk) for a in alerts
    )


def test_confirmation_next_to_a_receipt_is_not_lost():
    """The confirmation and the receipt lock the stock row first: whichever comes second sees
    the other's work, so the alert is sent exactly once either way."""
    require_postgres()
    for _ in range(5):
        store = factories.StoreFactory()
        variant = factories.VariantFactory()
        factories.stock(store, variant, 0)
        alert = StockAlert.objects.create(
            store=store, variant=variant, email="race@example.com", status=AlertStatus.PENDING
        )
        token = stock_alert_token(alert=alert, purpose="confirm")
        results = run_concurrently(
            [
                lambda token=token: stock_alert_confirm(token=token),
                lambda s=store.pk, v=variant.pk: stock_receive(
                    store_id=s, variant_id=v, quantity=1
                ),
            ]
        )
        assert not [r for r in results if isinstance(r, Exception)], results
        alert.refresh_from_db()
        assert alert.status == AlertStatus.SENT
        assert (
            Notification.objects.filter(
                kind="stock_back_in_store", subject_id=str(alert.pk)
            ).count()
            == 1
        )


def test_one_click_alert_next_to_a_receipt_is_never_left_waiting():
    """Either the receipt lands first (the alert is refused: it is available) or the alert is
    made first and the receipt sends it; never an active alert with stock on the shelf."""
    require_postgres()
    for _ in range(5):
        store = factories.StoreFactory()
        variant = factories.VariantFactory()
        factories.stock(store, variant, 0)
        shopper = factories.UserFactory()
        results = run_concurrently(
            [
                lambda u=shopper, s=store, v=variant: stock_alert_subscribe(
                    user=u, store=s, variant=v
                ),
                lambda s=store.pk, v=variant.pk: stock_receive(
                    store_id=s, variant_id=v, quantity=1
                ),
            ]
        )
        unexpected = [
            r for r in results if isinstance(r, Exception) and not isinstance(r, AlertNotNeeded)
        ]
        assert not unexpected, results
        assert not StockAlert.objects.filter(
            store=store, variant=variant, status=AlertStatus.ACTIVE
        ).exists()
