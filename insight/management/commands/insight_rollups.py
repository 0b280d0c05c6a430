import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from insight.rollups import rollups_recompute

MAX_DAYS = 800


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {text!r}") from None


class Command(BaseCommand):
    help = (
        "Recompute the dashboard's daily roll-ups for a range of local days (default: the last "
        "365 days up to today). Each run replaces the days' rows whole; run it again at will."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="last", help="Last day, YYYY-MM-DD (default today).")

    def handle(self, *args, first: str | None, last: str | None, **options):
        end = _date(last) if last else timezone.localdate()
        start = _date(first) if first else end - dt.timedelta(days=364)
        if start > end:
            raise CommandError("--from is after --to.")
        if (end - start).days >= MAX_DAYS:
            raise CommandError(f"At most {MAX_DAYS} days per run.")
        done = 0
        day = start
        while day <= end:  # a month per transaction keeps each one short
            chunk_end = min(day + dt.timedelta(days=30), end)
            done += rollups_recompute(first=day, last=chunk_end)
            day = chunk_end + dt.timedelta(days=1)
        self.stdout.write(f"Recomputed {done} day(s), {start.isoformat()} to {end.isoformat()}.")
