"""What the stock-integrity notifications show (kinds `stock_drift_found`, `stock_shortfall`)."""

from urllib.parse import urlencode

from django.urls import reverse

from shop.orders.models import Order

FINDINGS_LISTED = 20


def drift_context(finding) -> dict:
    """A run's findings at one store (`finding` is the store's first one in the run)."""
    findings = finding.run.findings.filter(store_id=finding.store_id).select_related("variant")
    return {
        "run": finding.run,
        "store": finding.store,
        "findings": list(findings.order_by("pk")[:FINDINGS_LISTED]),
        "findings_count": findings.count(),
    }


def drift_link(finding) -> str:
    query = urlencode({"run__exact": finding.run_id, "store": finding.store_id})
    return f"{reverse('admin:inventory_reconciliationfinding_changelist')}?{query}"


def shortfall_context(shortfall) -> dict:
    return {"shortfall": shortfall, "store": shortfall.store, "variant": shortfall.variant}


def shortfall_link(shortfall) -> str:
    # The order number is the reservation's reference; the orders admin finds it by number.
    return f"{reverse('admin:orders_order_changelist')}?{urlencode({'q': shortfall.reference})}"


def shortfall_order_context(shortfall) -> dict:
    """For the shopper: their order and the line that lost units."""
    order = Order.objects.select_related("store", "customer").get(number=shortfall.reference)
    line = order.lines.filter(variant_id=shortfall.variant_id).first()
    return {"shortfall": shortfall, "order": order, "store": order.store, "line": line}


def shortfall_order_link(shortfall) -> str:
    return Order.objects.get(number=shortfall.reference).get_absolute_url()
