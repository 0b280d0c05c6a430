"""What the pickup-order notifications show: template context, links and the pickup QR code.

Called when a notification is sent, inside `translation.override(<recipient's language>)`,
so dates and weekday names come out in that language.
"""

from collections import defaultdict

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from core.qr import qr_png
from shop.orders.pickup_codes import pickup_code_format
from stores.models import Weekday

# The Content-ID of the QR code in the HTML e-mail: <img src="cid:pickup-qr@omnishop">.
QR_CID = "pickup-qr@omnishop"


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
    return {
        "order": order,
        "store": store,
        "lines": lines,
        "short_lines": [line for line in lines if line.quantity_short],
        "opening_hours": hours,
        "hours_today": next(day for day in hours if day["is_today"]),
        "pickup_code": pickup_code_format(order.pickup_code),
        "hold_until": hold_until,
        "hold_until_short": date_format(hold_until, "SHORT_DATETIME_FORMAT") if hold_until else "",
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
