"""How a store's calendar reads for a shopper: "Jetzt geöffnet, bis 20:00 Uhr", "Öffnet Mo. 10:00
Uhr", "Abholbereit morgen ab 10:30 Uhr", "Sa., 5. Dezember, 20:00 Uhr".

Every phrase is built in the active language from a gettext message, never glued from words.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import formats
from django.utils.translation import get_language, pgettext, pgettext_lazy
from django.utils.translation import gettext as _

from . import calendar

if TYPE_CHECKING:
    from .models import Store

EXCEPTIONS_DAYS = 14  # how far ahead the shopper is told about special days and holidays


_WEEKDAY_ABBRS = (
    pgettext_lazy("weekday", "Mon"),
    pgettext_lazy("weekday", "Tue"),
    pgettext_lazy("weekday", "Wed"),
    pgettext_lazy("weekday", "Thu"),
    pgettext_lazy("weekday", "Fri"),
    pgettext_lazy("weekday", "Sat"),
    pgettext_lazy("weekday", "Sun"),
)


def weekday_abbr(day: dt.date) -> str:
    return str(_WEEKDAY_ABBRS[day.weekday()])


def _hhmm(time: dt.time | dt.datetime) -> str:
    """The bare time in the reader's convention: "4:00 pm" in English, "16:00" in German."""
    return _clock_texts(get_language(), time.hour, time.minute)[0]


def clock(time: dt.time | dt.datetime) -> str:
    """A time of day: "4:00 pm" in English, "16:00 Uhr" in German."""
    return _clock_texts(get_language(), time.hour, time.minute)[1]


# A store list shows the same few times for every store; formatting one costs a dozen
# thread-local language lookups, so each (language, time) is formatted once per process.
@functools.lru_cache(maxsize=2048)
def _clock_texts(language: str | None, hour: int, minute: int) -> tuple[str, str]:
    bare = formats.time_format(dt.time(hour, minute), pgettext("clock format", "g:i a"))
    return bare, pgettext("clock time", "%(time)s") % {"time": bare}


def hours_range(opens: dt.time, closes: dt.time) -> str:
    return pgettext("opening hours", "%(opens)s–%(closes)s") % {
        "opens": _hhmm(opens),
        "closes": _hhmm(closes),
    }


def day_label(day: dt.date) -> str:
    """ "Sat, 5 December" / "Sa., 5. Dezember"."""
    return pgettext("weekday and date", "%(weekday)s, %(date)s") % {
        "weekday": weekday_abbr(day),
        "date": formats.date_format(day, pgettext("date format without year", "j F")),
    }


def moment_label(moment: dt.datetime) -> str:
    """ "Sat, 5 December, 20:00" / "Sa., 5. Dezember, 20:00 Uhr"."""
    local = calendar.to_local(moment)
    return pgettext("date and time", "%(day)s, %(time)s") % {
        "day": day_label(local.date()),
        "time": clock(local),
    }


def _relative_day(day: dt.date, today: dt.date) -> str | None:
    """ "today", "tomorrow", a weekday within the week, else None (then give the date)."""
    if day == today:
        return "today"
    if day == today + dt.timedelta(days=1):
        return "tomorrow"
    return None


def opens_label(moment: dt.datetime, now: dt.datetime) -> str:
    """ "Opens today at 10:00", "Opens tomorrow at 10:00", "Opens Mon 10:00", "Opens Mon, 4
    January, 10:00"."""
    local, today = calendar.to_local(moment), calendar.to_local(now).date()
    relative = _relative_day(local.date(), today)
    if relative == "today":
        return _("Opens today at %(time)s") % {"time": clock(local)}
    if relative == "tomorrow":
        return _("Opens tomorrow at %(time)s") % {"time": clock(local)}
    if local.date() < today + dt.timedelta(days=7):
        return _("Opens %(weekday)s %(time)s") % {
            "weekday": weekday_abbr(local.date()),
            "time": clock(local),
        }
    return _("Opens %(when)s") % {"when": moment_label(local)}


def status_label(status: calendar.OpenStatus, now: dt.datetime) -> str:
    if status.open and status.closes_at is not None:
        return _("Open now, until %(time)s") % {"time": clock(calendar.to_local(status.closes_at))}
    if status.opens_at is not None:
        return opens_label(status.opens_at, now)
    return _("Closed until further notice")


def ready_label(moment: dt.datetime, now: dt.datetime) -> str:
    """ "Ready today from 16:00", "Ready tomorrow from 10:30", "Ready Mon from 10:00"."""
    local, today = calendar.to_local(moment), calendar.to_local(now).date()
    relative = _relative_day(local.date(), today)
    if relative == "today":
        return _("Ready today from %(time)s") % {"time": clock(local)}
    if relative == "tomorrow":
        return _("Ready tomorrow from %(time)s") % {"time": clock(local)}
    if local.date() < today + dt.timedelta(days=7):
        return _("Ready %(weekday)s from %(time)s") % {
            "weekday": weekday_abbr(local.date()),
            "time": clock(local),
        }
    return _("Ready from %(when)s") % {"when": moment_label(local)}


def due_label(moment: dt.datetime, now: dt.datetime) -> str:
    """When staff promised an order: "by 16:00", "by tomorrow 10:30", "by Mon 10:00", "by Sat,
    5 December, 20:00" (German "bis 16:00 Uhr", "bis morgen 10:30 Uhr", …)."""
    local, today = calendar.to_local(moment), calendar.to_local(now).date()
    relative = _relative_day(local.date(), today)
    if relative == "today":
        return _("by %(time)s") % {"time": clock(local)}
    if relative == "tomorrow":
        return _("by tomorrow %(time)s") % {"time": clock(local)}
    if today < local.date() < today + dt.timedelta(days=7):
        return _("by %(weekday)s %(time)s") % {
            "weekday": weekday_abbr(local.date()),
            "time": clock(local),
        }
    return _("by %(when)s") % {"when": moment_label(local)}


def day_hours_label(hours: calendar.DayHours) -> str:
    """ "10:00–20:00", "10:00–14:00 (Christmas Eve)", "closed (Corpus Christi)"."""
    text = (
        ", ".join(hours_range(opens, closes) for opens, closes in hours.intervals)
        if hours.is_open
        else _("closed")
    )
    if hours.note:
        text = pgettext("hours with occasion", "%(hours)s (%(occasion)s)") % {
            "hours": text,
            "occasion": hours.note,
        }
    return text


@dataclass(frozen=True)
class StoreDay:
    label: str  # "Today", "Tomorrow", "Mon, 7 December"
    hours: calendar.DayHours
    text: str
    is_today: bool


def store_calendar_context(store: Store, *, now: dt.datetime, days_ahead: int = 0) -> None:
    """Set what the store pages show on `store`: today's hours, the open status, the special
    days and holidays ahead and (with `days_ahead`) the coming days one by one."""
    local = calendar.to_local(now)
    today = calendar.day_hours(store=store, day=local.date())
    status = calendar.open_status(store=store, at=local)
    store.today = today  # type: ignore[attr-defined]
    store.today_text = day_hours_label(today)  # type: ignore[attr-defined]
    store.open_now = status.open  # type: ignore[attr-defined]
    store.status_text = status_label(status, local)  # type: ignore[attr-defined]
    store.exceptions_ahead = [  # type: ignore[attr-defined]
        (day_label(d.day), day_hours_label(d))
        for d in calendar.exceptions_ahead(store=store, at=local, within_days=EXCEPTIONS_DAYS)
    ]
    if days_ahead:
        coming = calendar.days(store=store, start=local.date(), count=days_ahead)
        store.coming_days = [  # type: ignore[attr-defined]
            StoreDay(
                _("Today") if n == 0 else _("Tomorrow") if n == 1 else day_label(d.day),
                d,
                day_hours_label(d),
                n == 0,
            )
            for n, d in enumerate(coming)
        ]
