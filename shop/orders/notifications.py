"""Pickup-order notifications: the order kinds, what they show, who hears about them, and one
entry function per transition.

The kinds are registered in OrdersConfig.ready(); their templates are in shop/orders/templates
under the names `Kind.template()` gives. The order services call the entry functions inside
their transaction, e.g. `notify_order_placed(order)` in `order_place`. Each returns the
notifications it created (none when the same transition was already notified).

The content builders are called when a notification is sent, inside
`translation.override(<recipient's language>)`, so dates and weekday names come out in that
language.

`order_stock_shortfall` tells the shopper that an open order lost reserved units to the shelf;
inventory records the shortfall and runs `notify_order_shortfalls` through its hook.
"""

import datetime as dt
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.qr import qr_png
from inventory.models import StockShortfall
from notifications.kinds import Kind
from notifications.models import Channel, Notification
from notifications.services import Notice, Recipient, notify, notify_all
from stores.display import moment_label
from stores.models import Weekday
from stores.selectors import store_staff

from .links import collector_url, rescue_url
from .models import Order, OrderStatus, ShortPickRescue
from .pickup_codes import pickup_code_format

# The Content-ID of the QR code in the HTML e-mail: <img src="cid:pickup-qr@omnishop">.
QR_CID = "pickup-qr@omnishop"


# --- what the messages show ----------------------------------------------------------------


def weekly_hours(store, today) -> list[dict]:
    """Monday to Sunday: {"day": "Montag", "hours": "09:00–20:00" or "", "is_today": bool}."""
    by_day: dict[int, list[str]] = defaultdict(list)
    for hours in store.opening_hours.all():
        by_day[hours.weekday].append(f"{hours.opens:%H:%M}–{hours.closes:%H:%M}")
    return [
        {
            "day": day.label,
            "hours": ", ".join(by_day[day.value]),
            "is_today": day == today.weekday(),
        }
        for day in Weekday
    ]


def order_context(order) -> dict:
    store = order.store
    lines = list(order.lines.all())
    hours = weekly_hours(store, timezone.localdate())
    hold_until = timezone.localtime(order.hold_until) if order.hold_until else None
    promised = order.promised_ready_at
    return {
        "order": order,
        "store": store,
        "lines": lines,
        "short_lines": [line for line in lines if line.quantity_short],
        "opening_hours": hours,
        "hours_today": next(day for day in hours if day["is_today"]),
        "pickup_code": pickup_code_format(order.pickup_code),
        "hold_until": hold_until,
        # "Sa., 5. Dezember, 20:00 Uhr": the hold ends at closing time of an opening day.
        "hold_until_text": moment_label(hold_until) if hold_until else "",
        "hold_until_short": moment_label(hold_until) if hold_until else "",
        "promised_text": (
            _("Ready from %(when)s") % {"when": moment_label(promised)} if promised else ""
        ),
        "last_event": order.events.order_by("created_at", "id").last(),
        "qr_cid": QR_CID,
    }


def order_change_context(event) -> dict:
    """A short pick: the event that says what was missing, and the order as it is now."""
    return {**order_context(event.order), "event": event}


def order_link(order) -> str:
    return order.get_absolute_url()


def order_event_link(event) -> str:
    return event.order.get_absolute_url()


def order_staff_link(order) -> str:
    return reverse("admin:orders_order_change", args=[order.pk])


def pickup_qr_images(order) -> dict[str, bytes]:
    """The pickup code as a QR code; the desk scanner reads it like a typed code."""
    return {QR_CID: qr_png(order.pickup_code)}


def rescue_context(rescue) -> dict:
    """A short pick waiting for the shopper's answer: the missing units, the nearest store that
    has them, and one link per choice (each opens the choice page, which asks once more)."""
    from .selectors.rescue import rescue_stores

    url = rescue_url(rescue)
    stores = rescue_stores(rescue=rescue)
    return {
        **order_context(rescue.order),
        "rescue": rescue,
        "line": rescue.line,
        "other_store": stores[0] if stores else None,
        "deadline": timezone.localtime(rescue.deadline),
        "choice_links": {
            choice: f"{url}?choice={choice}" for choice in ("other_store", "drop", "cancel")
        },
    }


def rescue_link(rescue) -> str:
    return rescue_url(rescue)


def collector_context(order) -> dict:
    customer = order.customer
    return {
        **order_context(order),
        "collector_code": pickup_code_format(order.collector_code),
        "shopper_name": customer.get_full_name() or customer.email,
    }


def collector_link(order) -> str:
    return collector_url(order)


def collector_qr_images(order) -> dict[str, bytes]:
    return {QR_CID: qr_png(order.collector_code)}


def shortfall_order_context(shortfall) -> dict:
    """For the shopper: their order and the line that lost units."""
    order = Order.objects.select_related("store", "customer").get(number=shortfall.reference)
    line = order.lines.filter(variant_id=shortfall.variant_id).first()
    return {"shortfall": shortfall, "order": order, "store": order.store, "line": line}


def shortfall_order_link(shortfall) -> str:
    return Order.objects.get(number=shortfall.reference).get_absolute_url()


def withdrawal_context(withdrawal) -> dict:
    """The withdrawal and its order; the moment of receipt in the reader's language."""
    order = withdrawal.order
    received = timezone.localtime(withdrawal.received_at)
    return {
        **order_context(order),
        "withdrawal": withdrawal,
        "received_date": date_format(received, "DATE_FORMAT"),
        "received_time": date_format(received, "TIME_FORMAT"),
        "was_collected": withdrawal.status_at_receipt == OrderStatus.COLLECTED,
    }


def withdrawal_link(withdrawal) -> str:
    return withdrawal.order.get_absolute_url()


KINDS = (
    Kind(
        "order_placed",
        _("Your order {order.number} is reserved at {store.name}"),
        context=order_context,
        link=order_link,
        description=_("Shopper: order confirmation"),
    ),
    Kind(
        "order_ready",
        _("Ready for pickup: order {order.number}"),
        context=order_context,
        images=pickup_qr_images,
        link=order_link,
        description=_("Shopper: order ready for pickup, with code and QR"),
    ),
    Kind(
        "order_reminder",
        _("Reminder: order {order.number} is waiting for you until {hold_until_short}"),
        context=order_context,
        images=pickup_qr_images,
        link=order_link,
        description=_("Shopper: one day before the hold period ends"),
    ),
    Kind(
        "order_expired",
        _("Order {order.number} was not collected"),
        context=order_context,
        link=order_link,
        description=_("Shopper: the hold period ended"),
    ),
    Kind(
        "order_cancelled",
        _("Order {order.number} is cancelled"),
        context=order_context,
        link=order_link,
        description=_("Shopper: order cancelled"),
    ),
    Kind(
        "order_changed",
        _("Order {order.number} has changed"),
        context=order_change_context,
        link=order_event_link,
        description=_("Shopper: items could not be found while picking"),
    ),
    Kind(
        "order_rescue",
        _("Order {order.number}: items are missing – please choose"),
        context=rescue_context,
        link=rescue_link,
        description=_("Shopper: items were missing while picking; another store, drop or cancel"),
    ),
    Kind(
        "order_collector",
        _("{shopper_name} asks you to collect order {order.number}"),
        channels=(Channel.EMAIL,),
        context=collector_context,
        images=collector_qr_images,
        link=collector_link,
        description=_("Named collector: their own pickup code and link"),
    ),
    Kind(
        "order_collected",
        _("Order {order.number} was collected"),
        context=order_context,
        link=order_link,
        description=_("Shopper: proof of pickup, with who collected"),
    ),
    Kind(
        "order_received",
        _("New pickup order {order.number} for {store.name}"),
        context=order_context,
        link=order_staff_link,
        description=_("Store staff: a new order to pick"),
    ),
    Kind(
        "order_withdrawn",
        _("Withdrawal from order {order.number} received"),
        context=withdrawal_context,
        link=withdrawal_link,
        description=_("Shopper: confirmation of a withdrawal, with date and time of receipt"),
    ),
    Kind(
        "order_stock_shortfall",
        _("Order {order.number}: an item is no longer available"),
        context=shortfall_order_context,
        link=shortfall_order_link,
        description=_("Shopper: reserved units of an open order were lost to the shelf"),
    ),
)


# --- who hears about an order ---------------------------------------------------------------


def _shopper(order: Order) -> list[Recipient]:
    """The customer: by e-mail at the address and in the language given at checkout, and in-app."""
    return [Recipient(user=order.customer, email=order.email, language=order.language)]


def _store_staff(order: Order) -> list[Recipient]:
    """Everyone working in the store, in-app; the store's own mailbox by e-mail, if it has one."""
    recipients = [
        Recipient(user=user, channels=(Channel.IN_APP,)) for user in store_staff(order.store_id)
    ]
    if order.store.email:
        recipients.append(Recipient(email=order.store.email, channels=(Channel.EMAIL,)))
    return recipients


# --- one entry function per transition ------------------------------------------------------


def notify_order_placed(order: Order, *, queue: bool = True) -> list[Notification]:
    """Confirmation to the shopper and a new-order message to the store, in one INSERT; with
    `queue=False` the caller hands them to the broker (see `notify_all`)."""
    return notify_all(
        notices=[
            Notice("order_placed", order, _shopper(order)),
            Notice("order_received", order, _store_staff(order)),
        ],
        queue=queue,
    )


def notify_order_ready(order: Order) -> list[Notification]:
    return notify(kind="order_ready", subject=order, recipients=_shopper(order))


def notify_order_reminder(order: Order) -> list[Notification]:
    return notify(kind="order_reminder", subject=order, recipients=_shopper(order))


def notify_order_expired(order: Order) -> list[Notification]:
    return notify(kind="order_expired", subject=order, recipients=_shopper(order))


def notify_order_cancelled(order: Order) -> list[Notification]:
    return notify(kind="order_cancelled", subject=order, recipients=_shopper(order))


def notify_order_withdrawn(withdrawal) -> list[Notification]:
    """Confirmation of receipt to the address the order was placed with (§ 356a BGB)."""
    order = withdrawal.order
    return notify(kind="order_withdrawn", subject=withdrawal, recipients=_shopper(order))


def notify_order_changed(order: Order) -> list[Notification]:
    """Items were found missing while picking: told once per short pick (its timeline event)."""
    event = order.events.order_by("created_at", "id").last()
    return notify(kind="order_changed", subject=event, recipients=_shopper(order))


def notify_order_rescue(rescue: ShortPickRescue) -> list[Notification]:
    """Items were missing while picking: the shopper chooses what happens (once per short pick)."""
    return notify(kind="order_rescue", subject=rescue, recipients=_shopper(rescue.order))


def notify_order_collector(order: Order) -> list[Notification]:
    """The person named to collect gets their own code and link, in the shopper's language."""
    return notify(
        kind="order_collector",
        subject=order,
        recipients=[
            Recipient(
                email=order.collector_email, language=order.language, channels=(Channel.EMAIL,)
            )
        ],
    )


def notify_order_collected(order: Order) -> list[Notification]:
    return notify(kind="order_collected", subject=order, recipients=_shopper(order))


def notify_order_shortfalls(shortfalls: list[StockShortfall]) -> list[Notification]:
    """Reserved units of open orders were lost to the shelf: each order's shopper hears about it,
    so they know before they come to the counter. inventory runs this after telling the store's
    managers (registered in OrdersConfig.ready() with `shortfall_handlers_register`)."""
    orders = {
        order.number: order
        for order in Order.objects.open()
        .filter(number__in={shortfall.reference for shortfall in shortfalls})
        .select_related("customer")
    }
    created: list[Notification] = []
    for shortfall in shortfalls:
        order = orders.get(shortfall.reference)
        if order is not None:
            created += notify(
                kind="order_stock_shortfall", subject=shortfall, recipients=_shopper(order)
            )
    return created


def orders_due_for_reminder(now: dt.datetime, within: dt.timedelta):
    """Ready orders whose hold ends within `within` and whose shopper was not reminded yet."""
    reminded = Notification.objects.filter(
        kind="order_reminder",
        subject_type=ContentType.objects.get_for_model(Order),
        subject_id=Cast(OuterRef("pk"), CharField()),
    )
    return (
        Order.objects.filter(
            status=OrderStatus.READY, hold_until__gt=now, hold_until__lte=now + within
        )
        .exclude(Exists(reminded))
        .select_related("customer", "store")
        .order_by("hold_until")
    )
