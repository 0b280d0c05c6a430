"""A fixed clock for tests: `freeze(monkeypatch, moment)` makes `django.utils.timezone.now()`
(and so `localtime()`, `localdate()` and every `auto_now`) return `moment`."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(y, m, d, hh=0, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=BERLIN)


def freeze(monkeypatch, moment: dt.datetime) -> dt.datetime:
    fixed = moment.astimezone(dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: fixed)
    return moment
