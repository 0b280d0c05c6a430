"""Who must hear about stock problems (issue 7), and what they are told.

Called inside the transaction that records the problem, so the notifications enter the outbox
exactly when the findings or shortfalls are committed (and are sent once, after commit).

- `stock_drift_found`: a reconciliation run found drift at a store; one message per store and
  run (its subject is the store's first finding of the run) to the store's managers.
- `stock_shortfall`: a pickup order lost reserved units to the shelf; one message per shortfall
  to the managers of its store. Then the registered shortfall handlers run (in the same
  transaction): the apps above inventory that own what a reservation's reference points to
  (shop.orders tells the order's shopper) register one with `shortfall_handlers_register()` in
  their AppConfig.ready().

The kinds are registered in InventoryConfig.ready(); their templates are in inventory/templates.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.db.models import Min
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.kinds import Kind
from notifications.models import Channel, Notification
from notifications.services import Recipient, notify
from stores.notifications import manager_recipients
from stores.selectors import store_managers

from .models import ReconciliationRun, StockShortfall
from .webhooks import shortfalls_webhook

FINDINGS_LISTED = 20


# --- what the messages show ----------------------------------------------------------------


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


KINDS = (
    Kind(
        "stock_drift_found",
        _("Stock differences at {store.name}: {findings_count} to check"),
        context=drift_context,
        link=drift_link,
        description=_("Store managers: the stock reconciliation found differences"),
    ),
    Kind(
        "stock_shortfall",
        _("Order {shortfall.reference} is missing {shortfall.units_missing} × {variant.sku}"),
        context=shortfall_context,
        link=shortfall_link,
        description=_("Store managers: a pickup order lost reserved units to the shelf"),
    ),
)


# --- the hook for the apps above: who else hears about shortfalls ---------------------------

ShortfallHandler = Callable[[list[StockShortfall]], object]

_shortfall_handlers: list[ShortfallHandler] = []


def shortfall_handlers_register(handler: ShortfallHandler) -> None:
    """Run `handler(shortfalls)` whenever shortfalls are recorded, after the managers are told,
    in the same transaction. Call it from an AppConfig.ready(); registering twice is refused."""
    if handler in _shortfall_handlers:
        raise ValueError(f"Shortfall handler {handler!r} is already registered")
    _shortfall_handlers.append(handler)


# --- the entry points inventory.services calls ----------------------------------------------


def reconciliation_findings_recorded(run: ReconciliationRun) -> list[Notification]:
    """A reconciliation run recorded findings: each store's managers hear about theirs."""
    first_ids = (
        run.findings.order_by()
        .values("store_id")
        .annotate(first=Min("pk"))
        .values_list("first", flat=True)
    )
    firsts = list(run.findings.filter(pk__in=list(first_ids)).select_related("store", "run"))
    managers = store_managers([finding.store_id for finding in firsts])
    created: list[Notification] = []
    for finding in firsts:
        created += notify(
            kind="stock_drift_found",
            subject=finding,
            recipients=manager_recipients(finding.store, managers[finding.store_id]),
        )
    return created


def shortfalls_recorded(shortfalls: list[StockShortfall]) -> list[Notification]:
    """Pickup orders lost reserved units to the shelf: the stores' managers hear about each,
    then the registered shortfall handlers run."""
    shortfalls = list(shortfalls)
    managers = store_managers({shortfall.store_id for shortfall in shortfalls})
    created: list[Notification] = []
    for shortfall in shortfalls:
        created += notify(
            kind="stock_shortfall",
            subject=shortfall,
            recipients=manager_recipients(shortfall.store, managers[shortfall.store_id]),
        )
    shortfalls_webhook(shortfalls)
    for handler in _shortfall_handlers:
        handler(shortfalls)
    return created


# --- counts waiting for a manager -------------------------------------------------------------


def count_waiting_context(count) -> dict:
    lines = list(count.lines.filter(needs_approval=True).select_related("variant"))
    return {
        "count": count,
        "store": count.store,
        "lines": lines,
        "variance_units": sum(line.variance for line in lines),
        "variance_value": sum(line.variance * line.variant.price for line in lines),
    }


def count_waiting_link(count) -> str:
    return reverse("stock:count_detail", args=[count.public_id])


COUNT_KINDS = (
    Kind(
        "stock_count_waiting",
        _("A stock count at {store.name} waits for your approval"),
        context=count_waiting_context,
        link=count_waiting_link,
        description=_("Store managers: a stock count with large variances waits for approval"),
    ),
)


def count_awaiting_approval(count) -> list[Notification]:
    """A count was submitted with variances above the threshold: the store's managers hear."""
    managers = store_managers([count.store_id])[count.store_id]
    return notify(
        kind="stock_count_waiting",
        subject=count,
        recipients=manager_recipients(count.store, managers),
    )


# --- back in stock at my store (inventory.alerts) ---------------------------------------------


def alert_context(alert) -> dict:
    from .alerts import stock_alert_token

    return {
        "alert": alert,
        "store": alert.store,
        "variant": alert.variant,
        "product": alert.variant.product,
        # Anonymous alerts carry an unsubscribe link in every e-mail.
        "end_path": ""
        if alert.user_id
        else reverse("shop:stock_alert_end", args=[stock_alert_token(alert=alert, purpose="end")]),
    }


def alert_confirm_link(alert) -> str:
    from .alerts import stock_alert_token

    return reverse(
        "shop:stock_alert_confirm", args=[stock_alert_token(alert=alert, purpose="confirm")]
    )


def alert_cart_link(alert) -> str:
    from .alerts import stock_alert_token

    return reverse(
        "customers:stock_alert_cart", args=[stock_alert_token(alert=alert, purpose="cart")]
    )


ALERT_KINDS = (
    Kind(
        "stock_alert_confirm",
        _("Please confirm your alert for {product.name}"),
        channels=(Channel.EMAIL,),
        context=alert_context,
        link=alert_confirm_link,
        description=_("Shopper without login: confirm the back-in-stock alert (double opt-in)"),
    ),
    Kind(
        "stock_back_in_store",
        _("{product.name} is available at {store.name} again"),
        context=alert_context,
        link=alert_cart_link,
        description=_("Shopper: the item of a back-in-stock alert is available at their store"),
    ),
)


def _alert_recipient(alert) -> Recipient:
    if alert.user_id:
        return Recipient(user=alert.user, language=alert.language)
    return Recipient(email=alert.email, language=alert.language, channels=(Channel.EMAIL,))


def stock_alert_requested(alert) -> list[Notification]:
    """An address asked for an alert without login: the confirmation e-mail (double opt-in)."""
    return notify(kind="stock_alert_confirm", subject=alert, recipients=[_alert_recipient(alert)])


def stock_back_in_store(alert) -> list[Notification]:
    """The variant of an alert is available at its store: one message (e-mail and in-app)."""
    return notify(kind="stock_back_in_store", subject=alert, recipients=[_alert_recipient(alert)])
