"""A store's calendar: when it is open, for any store and any moment.

One place answers "is it open at t", "when does it next open", "when does it close today",
"when would work started now be done" and "until when is an order held". It combines, in this
order of precedence:

1. the store's special days (closed, or other hours: Christmas Eve, inventory, a Sunday opening),
2. the public holidays of the store's federal state (from the `holidays` package),
3. the regular weekly opening hours.

All times are local to the shop (Europe/Berlin). Functions accept aware datetimes in any zone
(and naive ones, read as local time) and return aware local datetimes. They read a store's
calendar once as a `Schedule` of plain values: `schedules_attach` loads it for many stores in one
query; otherwise it is read from the related managers `opening_hours` and `special_days` (so
prefetch both with `calendar_prefetches` before asking about many stores that way).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.db.models import BooleanField, CharField, DateField, IntegerField, Prefetch, Value
from django.utils import timezone, translation

from core.cached import cached_under_version, version_move

from .models import OpeningHours, SpecialDay

if TYPE_CHECKING:
    from .models import Store

LOOKAHEAD_DAYS = 60  # how far ahead to look for the next opening before giving up
SLOT_MINUTES = 15  # promised times are rounded up to a quarter hour
LAST_PICKUP_MINUTES = 15  # a promise must leave the shopper this long before closing

REGULAR, SPECIAL, HOLIDAY = "regular", "special", "holiday"
VERSION_KEY = "stores:calendar:version"


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def to_local(at: dt.datetime) -> dt.datetime:
    """`at` in the shop's time zone (a naive datetime is taken as local time already)."""
    if timezone.is_naive(at):
        return timezone.make_aware(at, local_tz())
    return at.astimezone(local_tz())


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time), local_tz())


@dataclass(frozen=True)
class DayHours:
    """One day of a store: its opening intervals (local times), and why they are what they are."""

    day: dt.date
    intervals: tuple[tuple[dt.time, dt.time], ...]
    kind: str = REGULAR  # REGULAR, SPECIAL (a special day of the store) or HOLIDAY
    note: str = ""  # the holiday's name or the special day's occasion

    @property
    def is_open(self) -> bool:
        return bool(self.intervals)

    @property
    def opens(self) -> dt.time | None:
        return self.intervals[0][0] if self.intervals else None

    @property
    def closes(self) -> dt.time | None:
        return self.intervals[-1][1] if self.intervals else None

    @property
    def is_exception(self) -> bool:
        """A special day or a public holiday (what the shopper should be told about ahead)."""
        return self.kind != REGULAR

    def moments(self) -> list[tuple[dt.datetime, dt.datetime]]:
        return [(_at(self.day, opens), _at(self.day, closes)) for opens, closes in self.intervals]


def _since(today: dt.date | None) -> dt.date:
    """The first day of the special days read for many stores: yesterday."""
    return (today or timezone.localdate()) - dt.timedelta(days=1)


def calendar_prefetches(*, today: dt.date | None = None) -> list[Prefetch]:
    """Prefetch the regular hours and the special days from yesterday on (for many stores)."""
    return [
        Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
        Prefetch("special_days", queryset=SpecialDay.objects.filter(date__gte=_since(today))),
    ]


Interval = tuple[dt.time, dt.time]


@dataclass(frozen=True)
class Schedule:
    """A store's calendar as plain values, read once per store instead of per day asked."""

    week: tuple[tuple[Interval, ...], ...]  # the regular intervals of each weekday, Monday first
    special: dict[dt.date, tuple[tuple[Interval, ...], str]]  # date: (intervals, occasion)


HoursRow = tuple[int, dt.time, dt.time]  # weekday, opens, closes
SpecialRow = tuple[dt.date, bool, dt.time | None, dt.time | None, str]  # date, closed, opens, …


def _schedule_build(hours: Iterable[HoursRow], specials: Iterable[SpecialRow]) -> Schedule:
    week: list[list[Interval]] = [[] for _ in range(7)]
    for weekday, opens, closes in sorted(hours):
        week[weekday].append((opens, closes))
    return Schedule(
        week=tuple(tuple(intervals) for intervals in week),
        special={
            day: ((), note)
            if closed or opens is None or closes is None
            else (((opens, closes),), note)
            for day, closed, opens, closes, note in specials
        },
    )


def schedules_attach(stores: Iterable[Store], *, today: dt.date | None = None) -> None:
    """Read the calendars of many stores (regular hours, special days from yesterday on) in one
    query of plain rows, no model object per weekday or special day."""
    by_id = {store.pk: store for store in stores}
    # One round trip for both tables: the weekly rows have no date, the special days no weekday.
    weekly = (
        OpeningHours.objects.filter(store_id__in=by_id)
        .order_by()
        .values_list(
            "store_id",
            "weekday",
            Value(None, output_field=DateField()),
            Value(False, output_field=BooleanField()),
            "opens",
            "closes",
            Value("", output_field=CharField()),
        )
    )
    special = (
        SpecialDay.objects.filter(store_id__in=by_id, date__gte=_since(today))
        .order_by()
        .values_list(
            "store_id",
            Value(None, output_field=IntegerField()),
            "date",
            "closed",
            "opens",
            "closes",
            "note",
        )
    )
    hours: defaultdict[int, list[HoursRow]] = defaultdict(list)
    specials: defaultdict[int, list[SpecialRow]] = defaultdict(list)
    for store_id, weekday, day, closed, opens, closes, note in weekly.union(special, all=True):
        if day is None:
            hours[store_id].append((weekday, opens, closes))
        else:
            specials[store_id].append((day, closed, opens, closes, note))
    for store_id, store in by_id.items():
        store._schedule = _schedule_build(hours[store_id], specials[store_id])  # type: ignore[attr-defined]


def calendar_load(store: Store, *, today: dt.date | None = None) -> None:
    """Give one store its schedule (as `schedules_attach` does) from the cache (`core.cached`):
    no query while no store's hours or special days were written. Checkout asks this for its
    store (the same store object asking again gets the calendar as it is now, not as it was)."""
    today = today or timezone.localdate()

    def build() -> Schedule:
        fresh = type(store)(pk=store.pk)
        schedules_attach([fresh], today=today)
        return fresh._schedule  # type: ignore[attr-defined]

    store._schedule = cached_under_version(  # type: ignore[attr-defined]
        version_key=VERSION_KEY, key=f"stores:calendar:{store.pk}:{today.isoformat()}", build=build
    )


def calendar_written(**_kwargs: object) -> None:
    """Signal receiver: some store's hours or special days changed (see `calendar_load`)."""
    version_move(VERSION_KEY)


def _schedule(store: Store) -> Schedule:
    cached = getattr(store, "_schedule", None)
    if cached is None:
        cached = _schedule_build(
            ((h.weekday, h.opens, h.closes) for h in store.opening_hours.all()),
            ((s.date, s.closed, s.opens, s.closes, s.note) for s in store.special_days.all()),
        )
        store._schedule = cached  # type: ignore[attr-defined]
    return cached


@functools.lru_cache(maxsize=256)
def _holidays(state: str, year: int, language: str) -> dict[dt.date, str]:
    calendar = holidays.country_holidays("DE", subdiv=state or None, years=year, language=language)
    return dict(calendar.items())


def _holidays_language() -> str:
    """The language of the holidays' names: the reader's (asked once per walk over days, not per
    day, as the active language is a thread-local lookup)."""
    return "de" if (translation.get_language() or "").startswith("de") else "en_US"


def holiday_name(*, state: str, day: dt.date) -> str | None:
    """The public holiday on `day` in the federal state `state` ("" = nationwide only), or None."""
    return _holidays(state, day.year, _holidays_language()).get(day)


def _day_hours(store: Store, day: dt.date, language: str) -> DayHours:
    schedule = _schedule(store)
    special = schedule.special.get(day)
    if special is not None:
        return DayHours(day, special[0], SPECIAL, special[1])
    name = _holidays(store.state, day.year, language).get(day)
    if name:
        return DayHours(day, (), HOLIDAY, name)
    return DayHours(day, schedule.week[day.weekday()], REGULAR)


def day_hours(*, store: Store, day: dt.date) -> DayHours:
    """The store's hours on `day`: a special day first, then a public holiday, then the week."""
    return _day_hours(store, day, _holidays_language())


def days(*, store: Store, start: dt.date, count: int) -> list[DayHours]:
    """`count` consecutive days from `start`."""
    language = _holidays_language()
    return [_day_hours(store, start + dt.timedelta(days=n), language) for n in range(count)]


def exceptions_ahead(*, store: Store, at: dt.datetime, within_days: int = 14) -> list[DayHours]:
    """Special days and public holidays from today on (within `within_days`), for the shopper."""
    today = to_local(at).date()
    return [d for d in days(store=store, start=today, count=within_days) if d.is_exception]


def _intervals_from(store: Store, at: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Opening intervals that end after `at`, in order, for up to LOOKAHEAD_DAYS days."""
    local = to_local(at)
    language = _holidays_language()
    for offset in range(LOOKAHEAD_DAYS + 1):
        day = local.date() + dt.timedelta(days=offset)
        for start, end in _day_hours(store, day, language).moments():
            if end > local:
                yield start, end


def is_open(*, store: Store, at: dt.datetime) -> bool:
    """Is the store open at `at` (opening time inclusive, closing time exclusive)?"""
    local = to_local(at)
    return any(
        start <= local < end for start, end in day_hours(store=store, day=local.date()).moments()
    )


def closes_at(*, store: Store, at: dt.datetime) -> dt.datetime | None:
    """When the store closes next, if it is open at `at`; None while it is closed."""
    local = to_local(at)
    for start, end in day_hours(store=store, day=local.date()).moments():
        if start <= local < end:
            return end
    return None


def closes_today(*, store: Store, at: dt.datetime) -> dt.datetime | None:
    """Today's last closing time, if that is still ahead of `at`; None otherwise."""
    local = to_local(at)
    moments = day_hours(store=store, day=local.date()).moments()
    if moments and moments[-1][1] > local:
        return moments[-1][1]
    return None


def next_opening(*, store: Store, at: dt.datetime) -> dt.datetime | None:
    """The next moment after `at` at which the store opens (None: not within LOOKAHEAD_DAYS).

    While the store is open this is the start of its next opening interval, not the current one.
    """
    local = to_local(at)
    for start, _end in _intervals_from(store, local):
        if start > local:
            return start
    return None


@dataclass(frozen=True)
class OpenStatus:
    open: bool
    closes_at: dt.datetime | None  # while open
    opens_at: dt.datetime | None  # while closed: the next opening


def open_status(*, store: Store, at: dt.datetime) -> OpenStatus:
    """Open now and until when, or closed and when it opens next (what a shopper wants to know)."""
    closing = closes_at(store=store, at=at)
    if closing is not None:
        return OpenStatus(True, closing, None)
    return OpenStatus(False, None, next_opening(store=store, at=at))


def _ceil_to_slot(moment: dt.datetime) -> dt.datetime:
    minutes = moment.hour * 60 + moment.minute + (moment.second or moment.microsecond) / 60
    slot = math.ceil(minutes / SLOT_MINUTES) * SLOT_MINUTES
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + dt.timedelta(minutes=slot)


def work_done_by(*, store: Store, at: dt.datetime, minutes: int) -> dt.datetime | None:
    """When `minutes` of work started at `at` is done, working only while the store is open.

    The result is rounded up to a quarter hour and leaves the shopper LAST_PICKUP_MINUTES before
    the store closes; otherwise it is the next opening. None if the store opens on no day within
    LOOKAHEAD_DAYS.
    """
    local = to_local(at)
    remaining = dt.timedelta(minutes=max(minutes, 0))
    intervals = _intervals_from(store, local)
    for start, end in intervals:
        begin = max(start, local)
        if begin + remaining <= end:
            done = _ceil_to_slot(begin + remaining)
            if done <= end - dt.timedelta(minutes=LAST_PICKUP_MINUTES):
                return done
            following = next(intervals, None)
            return _ceil_to_slot(following[0]) if following else None
        remaining -= end - begin
    return None


def hold_until(*, store: Store, ready_at: dt.datetime, opening_days: int) -> dt.datetime:
    """Until when a ready order is held: closing time of the `opening_days`-th opening day after
    the day it became ready (the rest of that day comes on top).

    Falls back to `opening_days` calendar days if the store opens on no day ahead.
    """
    local = to_local(ready_at)
    counted = 0
    language = _holidays_language()
    for offset in range(1, LOOKAHEAD_DAYS + 1):
        hours = _day_hours(store, local.date() + dt.timedelta(days=offset), language)
        if hours.is_open:
            counted += 1
            if counted >= opening_days:
                return hours.moments()[-1][1]
    return local + dt.timedelta(days=opening_days)
