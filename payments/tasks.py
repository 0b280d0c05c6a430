"""Payment jobs (beat): abandoned payments, captures before an authorisation lapses, and the
nightly reconciliation with the provider. Each is safe to run twice."""

from celery import shared_task

from .services import (
    payments_capture_before_lapse,
    payments_reconcile,
    payments_release_abandoned,
    payments_void_orphans,
)


@shared_task(name="payments.tasks.release_abandoned_payments")
def release_abandoned_payments() -> int:
    # Every 5 minutes: orders left awaiting payment, and authorisations left without an order.
    payments_void_orphans()
    return payments_release_abandoned()


@shared_task(name="payments.tasks.capture_before_lapse")
def capture_before_lapse() -> int:
    return payments_capture_before_lapse()


@shared_task(name="payments.tasks.reconcile_payments")
def reconcile_payments() -> int:
    return len(payments_reconcile())
