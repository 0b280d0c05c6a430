"""The store calendar with a fixed clock: weekly hours, special days, state holidays, holds."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from stores import calendar
from stores.models import SpecialDay
from tests import factories

BERLIN = ZoneInfo("Europe/Berlin")
CITY_CENTRE = [(day, "10:00", "20:00") for day in range(6)]  # Monday to Saturday


def at(y, m, d, hh=0, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=BERLIN)


@pytest.fixture
def koeln(db):
    return factories.StoreFactory(code="koeln", city="Köln", state="NW", hours=CITY_CENTRE)


@pytest.fixture
def berlin(db):
    return factories.StoreFactory(code="berlin", city="Berlin", state="BE", hours=CITY_CENTRE)


def test_sunday_evening_is_closed_and_opens_monday_morning(koeln):
    sunday_evening = at(2026, 12, 6, 21, 30)
    assert not calendar.is_open(store=koeln, at=sunday_evening)
    assert calendar.closes_today(store=koeln, at=sunday_evening) is None
    assert calendar.next_opening(store=koeln, at=sunday_evening) == at(2026, 12, 7, 10, 0)
    status = calendar.open_status(store=koeln, at=sunday_evening)
    assert (status.open, status.opens_at) == (False, at(2026, 12, 7, 10, 0))


def test_a_utc_moment_is_read_in_berlin_time(koeln):
    # 09:30 UTC on a Monday in winter is 10:30 in Köln: open.
    assert calendar.is_open(store=koeln, at=dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC))
    # 19:30 UTC is 20:30 local: closed, although 19:30 would be within the hours.
    assert not calendar.is_open(store=koeln, at=dt.datetime(2026, 12, 7, 19, 30, tzinfo=dt.UTC))


def test_fronleichnam_closes_koeln_but_not_berlin(koeln, berlin):
    thursday_noon = at(2027, 5, 27, 12, 0)  # Fronleichnam 2027: a holiday in NW, not in BE
    assert not calendar.is_open(store=koeln, at=thursday_noon)
    assert calendar.is_open(store=berlin, at=thursday_noon)
    holiday = calendar.day_hours(store=koeln, day=thursday_noon.date())
    assert holiday.kind == calendar.HOLIDAY and holiday.note == "Corpus Christi"
    assert calendar.next_opening(store=koeln, at=thursday_noon) == at(2027, 5, 28, 10, 0)
    assert calendar.closes_today(store=berlin, at=thursday_noon) == at(2027, 5, 27, 20, 0)


def test_holiday_names_speak_the_current_language(koeln):
    from django.utils import translation

    with translation.override("de"):
        assert calendar.day_hours(store=koeln, day=dt.date(2027, 5, 27)).note == "Fronleichnam"


def test_a_store_without_state_keeps_only_nationwide_holidays(db):
    store = factories.StoreFactory(state="", hours=CITY_CENTRE)
    assert calendar.is_open(store=store, at=at(2027, 5, 27, 12, 0))  # Fronleichnam: regional
    assert not calendar.is_open(store=store, at=at(2026, 12, 25, 12, 0))  # Christmas: everywhere


def test_special_days_override_the_week_and_the_holidays(koeln):
    SpecialDay.objects.create(
        store=koeln,
        date=dt.date(2026, 12, 24),
        opens=dt.time(10),
        closes=dt.time(14),
        note="Heiligabend",
    )
    SpecialDay.objects.create(store=koeln, date=dt.date(2026, 12, 29), closed=True, note="Inventur")
    SpecialDay.objects.create(
        store=koeln, date=dt.date(2026, 12, 13), opens=dt.time(13), closes=dt.time(18)
    )
    koeln.refresh_from_db()

    assert calendar.is_open(store=koeln, at=at(2026, 12, 24, 13, 59))
    assert not calendar.is_open(store=koeln, at=at(2026, 12, 24, 14, 0))
    assert calendar.closes_today(store=koeln, at=at(2026, 12, 24, 11, 0)) == at(2026, 12, 24, 14)
    # After Christmas Eve come two holidays and a Sunday: the next opening is Monday the 28th.
    assert calendar.next_opening(store=koeln, at=at(2026, 12, 24, 15)) == at(2026, 12, 28, 10)
    # Inventory day (a Tuesday) stays closed; Wednesday opens as usual.
    assert not calendar.day_hours(store=koeln, day=dt.date(2026, 12, 29)).is_open
    assert calendar.next_opening(store=koeln, at=at(2026, 12, 28, 21)) == at(2026, 12, 30, 10)
    # A Sunday opening.
    assert calendar.is_open(store=koeln, at=at(2026, 12, 13, 15))
    ahead = calendar.exceptions_ahead(store=koeln, at=at(2026, 12, 20, 9), within_days=14)
    assert [(d.day.isoformat(), d.kind, d.note) for d in ahead] == [
        ("2026-12-24", calendar.SPECIAL, "Heiligabend"),
        ("2026-12-25", calendar.HOLIDAY, "Christmas Day"),
        ("2026-12-26", calendar.HOLIDAY, "Second Day of Christmas"),
        ("2026-12-29", calendar.SPECIAL, "Inventur"),
        ("2027-01-01", calendar.HOLIDAY, "New Year's Day"),
    ]


def test_a_special_day_is_either_closed_or_has_sane_hours(koeln):
    with pytest.raises(ValidationError):
        SpecialDay(store=koeln, date=dt.date(2026, 12, 24), opens=dt.time(14)).full_clean()
    with pytest.raises(ValidationError):
        SpecialDay(
            store=koeln, date=dt.date(2026, 12, 24), opens=dt.time(14), closes=dt.time(10)
        ).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        SpecialDay.objects.create(store=koeln, date=dt.date(2026, 12, 24), opens=dt.time(14))


def test_work_is_done_within_opening_hours_rounded_to_a_quarter(koeln):
    # Monday 13:52 + 2 h = 15:52 → 16:00.
    assert calendar.work_done_by(store=koeln, at=at(2026, 12, 7, 13, 52), minutes=120) == at(
        2026, 12, 7, 16, 0
    )
    # Before opening, the work starts at opening time.
    assert calendar.work_done_by(store=koeln, at=at(2026, 12, 7, 6, 0), minutes=30) == at(
        2026, 12, 7, 10, 30
    )


def test_an_order_just_before_closing_on_saturday_is_ready_on_monday(koeln):
    # Saturday 19:50: ten minutes of work today, fifty on Monday from 10:00 → 10:50 → 11:00.
    saturday = at(2026, 12, 5, 19, 50)
    assert calendar.work_done_by(store=koeln, at=saturday, minutes=60) == at(2026, 12, 7, 11, 0)
    # Done at 19:45 leaves the shopper a quarter hour; 19:50 would not: next opening instead.
    assert calendar.work_done_by(store=koeln, at=at(2026, 12, 7, 19, 35), minutes=10) == at(
        2026, 12, 7, 19, 45
    )
    assert calendar.work_done_by(store=koeln, at=at(2026, 12, 7, 19, 40), minutes=10) == at(
        2026, 12, 8, 10, 0
    )


def test_a_hold_counts_opening_days_and_ends_at_closing_time(koeln):
    # Ready on Wednesday afternoon, held three opening days: Thursday, Friday, Saturday 20:00.
    assert calendar.hold_until(store=koeln, ready_at=at(2026, 12, 2, 15, 0), opening_days=3) == at(
        2026, 12, 5, 20, 0
    )
    # Ready on Friday, held two opening days across the weekend: Saturday and Monday.
    assert calendar.hold_until(store=koeln, ready_at=at(2026, 12, 4, 11, 0), opening_days=2) == at(
        2026, 12, 7, 20, 0
    )


def test_a_hold_skips_a_state_holiday(koeln, berlin):
    # Ready Wednesday 26 May 2027; Thursday is Fronleichnam in Köln only.
    ready = at(2027, 5, 26, 12, 0)
    assert calendar.hold_until(store=koeln, ready_at=ready, opening_days=1) == at(2027, 5, 28, 20)
    assert calendar.hold_until(store=berlin, ready_at=ready, opening_days=1) == at(2027, 5, 27, 20)


def test_a_store_that_never_opens_has_no_next_opening(db):
    store = factories.StoreFactory(hours=[])
    assert calendar.next_opening(store=store, at=at(2026, 12, 7, 9)) is None
    assert calendar.work_done_by(store=store, at=at(2026, 12, 7, 9), minutes=30) is None


def test_prefetched_calendars_ask_the_database_once_for_many_stores(
    koeln, berlin, django_assert_max_num_queries
):
    from stores.models import Store

    SpecialDay.objects.create(store=koeln, date=dt.date(2026, 12, 24), closed=True)
    with django_assert_max_num_queries(3):
        stores = list(
            Store.objects.prefetch_related(
                *calendar.calendar_prefetches(today=dt.date(2026, 12, 20))
            )
        )
        for store in stores:
            calendar.next_opening(store=store, at=at(2026, 12, 24, 9))
            calendar.exceptions_ahead(store=store, at=at(2026, 12, 20, 9))


def test_calendars_read_in_one_query_tell_the_same_days_as_each_stores_own(
    koeln, berlin, django_assert_num_queries
):
    from stores.models import OpeningHours, Store

    SpecialDay.objects.create(store=koeln, date=dt.date(2026, 12, 24), closed=True, note="Inventur")
    SpecialDay.objects.create(
        store=berlin, date=dt.date(2026, 12, 20), opens=dt.time(13), closes=dt.time(18)
    )
    SpecialDay.objects.create(store=berlin, date=dt.date(2026, 12, 18), closed=True)  # past
    OpeningHours.objects.create(store=berlin, weekday=0, opens=dt.time(7), closes=dt.time(9))
    stores = list(Store.objects.order_by("code"))  # Berlin, Köln
    with django_assert_num_queries(1):
        calendar.schedules_attach(stores, today=dt.date(2026, 12, 20))
        attached = [calendar.days(store=s, start=dt.date(2026, 12, 18), count=14) for s in stores]
    own = [
        calendar.days(store=s, start=dt.date(2026, 12, 18), count=14)
        for s in Store.objects.order_by("code")
    ]
    # From yesterday on the same days; Berlin's closed 18th is before that and not read.
    assert attached[0][1:] == own[0][1:] and attached[1] == own[1]
    assert own[0][0].kind == calendar.SPECIAL and attached[0][0].kind == calendar.REGULAR
    assert attached[0][2] == calendar.DayHours(
        dt.date(2026, 12, 20), ((dt.time(13), dt.time(18)),), calendar.SPECIAL
    )
    monday = attached[0][3]
    assert monday.intervals == ((dt.time(7), dt.time(9)), (dt.time(10), dt.time(20)))
    assert attached[1][6] == calendar.DayHours(
        dt.date(2026, 12, 24), (), calendar.SPECIAL, "Inventur"
    )
    assert attached[1][7].kind == calendar.HOLIDAY


def test_special_days_are_edited_inline_in_the_store_admin(client, koeln):
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = f"/admin/stores/store/{koeln.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(
        {
            "latitude": str(koeln.latitude),
            "longitude": str(koeln.longitude),
            "pickup_enabled": "on",
            "is_active": "on",
        }
    )
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        prefix = formset.formset.prefix
        data.update({f"{prefix}-{k}": v for k, v in management.initial.items()})
        for n, inline_form in enumerate(formset.formset.initial_forms):
            for name in inline_form.fields:
                value = inline_form.initial.get(name)
                if name == "id":
                    value = inline_form.instance.pk
                if value is not None:
                    data[f"{prefix}-{n}-{name}"] = getattr(value, "pk", value)
    data.update(
        {
            "special_days-TOTAL_FORMS": "1",
            "special_days-0-date": "2026-12-24",
            "special_days-0-opens": "10:00",
            "special_days-0-closes": "14:00",
            "special_days-0-note": "Heiligabend",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    special = SpecialDay.objects.get(store=koeln)
    assert (special.opens, special.closes, special.note) == (
        dt.time(10),
        dt.time(14),
        "Heiligabend",
    )

    data.update(
        {
            "special_days-TOTAL_FORMS": "1",
            "special_days-INITIAL_FORMS": "0",
            "special_days-0-date": "2026-12-31",
            "special_days-0-opens": "16:00",
            "special_days-0-closes": "12:00",
        }
    )
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "The store must open before it closes." in refused.content.decode()
    assert not SpecialDay.objects.filter(date=dt.date(2026, 12, 31)).exists()
