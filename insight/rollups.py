"""Daily roll-ups per store: the sums the slow KPIs need, one row per local day and store (and
customer, product or category), computed from the ledgers and replaced whole.

`rollups_recompute(first=…, last=…)` replaces the rows of those days in one transaction (run it
twice: the same rows) and marks each day in `RollupDay`. The beat job (`insight.tasks`) runs it for
yesterday and today, for the days whose pickup orders changed or whose till receipts were booked
late since the day before, and for the last 15 days of interests (a conversion counts a till
purchase up to 14 days after the interest). `manage.py insight_rollups --from … --to …` recomputes
any range. The selectors read the rows for whole past days and the ledgers for today
(`*_day_rows` with `store=False`: the same computation, kept in memory).
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Min, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from inventory.models import StockMovement
from loyalty.models import TillReceipt, TillReceiptLine
from shop.orders.models import Order, OrderEvent, OrderLine, OrderStatus

from .models import (
    CartAddition,
    DailyConversion,
    DailyCustomerSpend,
    DailyInterest,
    DailyStock,
    DailyStoreSales,
    RollupDay,
)

# Revenue of an order as of a till receipt: the goods less the offer's discount (a receipt's
# total is after its offer too); points and store credit are means of payment, not less revenue.
ORDER_REVENUE = F("total") - F("offer_discount")

CONVERSION_WINDOW = dt.timedelta(days=14)
SOLD_KINDS = ("sale", "pickup_collected")
ZERO = Decimal("0.00")


def to_cents(amount: Decimal | int | float | None) -> int:
    return int((Decimal(str(amount or 0)) * 100).quantize(Decimal(1)))


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _local_day(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def _in_stores(store_ids: list[int] | None, field: str = "store_id") -> Q:
    return Q(**{f"{field}__in": store_ids}) if store_ids is not None else Q()


# --- What one range of days holds ---------------------------------------------------------------

SalesKey = tuple[dt.date, int]  # day, store
SALES_FIELDS = (
    "online_orders",
    "online_cents",
    "online_units",
    "till_receipts",
    "till_cents",
    "till_card_cents",
)


def sales_rows(
    *, first: dt.date, last: dt.date, store_ids: list[int] | None = None
) -> dict[SalesKey, dict[str, int]]:
    """{(day, store): SALES_FIELDS}: pickup orders by the day collected (count, cents, units
    handed over), till receipts by the day of the sale (count, cents, cents on a card)."""
    start, end = day_start(first), day_start(last + dt.timedelta(days=1))
    rows: dict[SalesKey, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SALES_FIELDS, 0))
    collected = Order.objects.filter(
        _in_stores(store_ids),
        status=OrderStatus.COLLECTED,
        collected_at__gte=start,
        collected_at__lt=end,
    )
    for day, store, count, amount in (
        collected.annotate(day=_local_day("collected_at"))
        .values_list("day", "store_id")
        .annotate(n=Count("id"), amount=Sum(ORDER_REVENUE))
        .order_by()
    ):
        rows[(day, store)].update(online_orders=count, online_cents=to_cents(amount))
    for day, store, units in (
        OrderLine.objects.filter(order__in=collected)
        .annotate(day=_local_day("order__collected_at"))
        .values_list("day", "order__store_id")
        .annotate(units=Sum(F("quantity") - F("quantity_short")))
        .order_by()
    ):
        rows[(day, store)]["online_units"] = units or 0
    for day, store, count, amount, on_card in (
        TillReceipt.objects.filter(
            _in_stores(store_ids), occurred_at__gte=start, occurred_at__lt=end
        )
        .annotate(day=_local_day("occurred_at"))
        .values_list("day", "store_id")
        .annotate(
            n=Count("id"),
            amount=Sum("total"),
            on_card=Sum("total", filter=Q(account__isnull=False)),
        )
        .order_by()
    ):
        rows[(day, store)].update(
            till_receipts=count, till_cents=to_cents(amount), till_card_cents=to_cents(on_card)
        )
    return rows


SpendKey = tuple[dt.date, int, int]  # day, store, user


def spend_rows(
    *, first: dt.date, last: dt.date, store_ids: list[int] | None = None
) -> dict[SpendKey, list[Any]]:
    """{(day, store, user): [online count, online €, till count, till €]}: collected pickup
    orders (by the day collected) and till receipts on a card (by the day of the sale)."""
    start, end = day_start(first), day_start(last + dt.timedelta(days=1))
    rows: dict[SpendKey, list[Any]] = defaultdict(lambda: [0, ZERO, 0, ZERO])
    online = (
        Order.objects.filter(
            _in_stores(store_ids),
            status=OrderStatus.COLLECTED,
            collected_at__gte=start,
            collected_at__lt=end,
        )
        .annotate(day=_local_day("collected_at"))
        .values_list("day", "store_id", "customer_id")
        .annotate(n=Count("id"), amount=Sum(ORDER_REVENUE))
        .order_by()
    )
    for day, store, user, count, amount in online:
        rows[(day, store, user)][0:2] = [count, amount]
    till = (
        TillReceipt.objects.filter(
            _in_stores(store_ids),
            account__isnull=False,
            occurred_at__gte=start,
            occurred_at__lt=end,
        )
        .annotate(day=_local_day("occurred_at"))
        .values_list("day", "store_id", "account__user_id")
        .annotate(n=Count("id"), amount=Sum("total"))
        .order_by()
    )
    for day, store, user, count, amount in till:
        rows[(day, store, user)][2:4] = [count, amount]
    return rows


InterestKey = tuple[dt.date, int, int]  # day, user, product


def interest_rows(
    *, first: dt.date, last: dt.date
) -> dict[InterestKey, tuple[int | None, dt.datetime, dict[int, dt.datetime]]]:
    """{(day, user, product): (category, first moment, {store: first till purchase within 14
    days})}: members' first online interest per product and day, and where they bought it."""
    start, end = day_start(first), day_start(last + dt.timedelta(days=1))
    found: dict[InterestKey, tuple[int | None, dt.datetime]] = {}
    carted = (
        CartAddition.objects.filter(added_at__gte=start, added_at__lt=end)
        .annotate(day=_local_day("added_at"))
        .values_list("day", "user_id", "variant__product_id", "variant__product__category_id")
        .annotate(at=Min("added_at"))
        .order_by()
    )
    ordered = (
        OrderLine.objects.filter(order__created_at__gte=start, order__created_at__lt=end)
        .annotate(day=_local_day("order__created_at"))
        .values_list(
            "day", "order__customer_id", "variant__product_id", "variant__product__category_id"
        )
        .annotate(at=Min("order__created_at"))
        .order_by()
    )
    for rows in (carted, ordered):
        for day, user, product, category, at in rows:
            key = (day, user, product)
            if key not in found or at < found[key][1]:
                found[key] = (category, at)
    by_pair: dict[tuple[int, int], list[InterestKey]] = defaultdict(list)
    for key in found:
        by_pair[(key[1], key[2])].append(key)
    bought = (
        TillReceiptLine.objects.filter(
            quantity__gt=0,
            receipt__account__isnull=False,
            variant__product_id__in={product for _day, _user, product in found},
            receipt__occurred_at__gte=start,
            receipt__occurred_at__lt=end + CONVERSION_WINDOW,
        )
        .values_list(
            "receipt__account__user_id",
            "variant__product_id",
            "receipt__store_id",
            "receipt__occurred_at",
        )
        .order_by()
    )
    conversions: dict[InterestKey, dict[int, dt.datetime]] = defaultdict(dict)
    for user, product, store, at in bought:
        for key in by_pair.get((user, product), ()):
            first_at = found[key][1]
            if first_at <= at <= first_at + CONVERSION_WINDOW:
                known = conversions[key].get(store)
                if known is None or at < known:
                    conversions[key][store] = at
    return {key: (cat, at, conversions.get(key, {})) for key, (cat, at) in found.items()}


StockKey = tuple[dt.date, int, int | None]  # day, store, category


def stock_rows(
    *, first: dt.date, last: dt.date, store_ids: list[int] | None = None
) -> dict[StockKey, tuple[int, int]]:
    """{(day, store, category): (net units moved, units sold (negative))} of the ledger."""
    start, end = day_start(first), day_start(last + dt.timedelta(days=1))
    rows = (
        StockMovement.objects.filter(
            _in_stores(store_ids), created_at__gte=start, created_at__lt=end
        )
        .annotate(day=_local_day("created_at"))
        .values_list("day", "store_id", "variant__product__category_id")
        .annotate(moved=Sum("quantity"), sold=Sum("quantity", filter=Q(kind__in=SOLD_KINDS)))
        .order_by()
    )
    return {(day, store, cat): (moved or 0, sold or 0) for day, store, cat, moved, sold in rows}


# --- Writing them -----------------------------------------------------------------------------


def rollups_recompute(*, first: dt.date, last: dt.date) -> int:
    """Replace every roll-up row of the local days `first` to `last` (both included) with what
    the ledgers say now, in one transaction, and mark the days computed. Returns the days."""
    if last < first:
        return 0
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    spend = spend_rows(first=first, last=last)
    interests = interest_rows(first=first, last=last)
    stock = stock_rows(first=first, last=last)
    sales = sales_rows(first=first, last=last)
    now = timezone.now()
    with transaction.atomic():
        # The markers first, locked: two recomputes of the same day wait for each other.
        for day in days:
            RollupDay.objects.update_or_create(day=day, defaults={"computed_at": now})
        list(RollupDay.objects.select_for_update().filter(day__in=days))
        DailyCustomerSpend.objects.filter(day__in=days).delete()
        DailyConversion.objects.filter(interest__day__in=days).delete()
        DailyInterest.objects.filter(day__in=days).delete()
        DailyStock.objects.filter(day__in=days).delete()
        DailyStoreSales.objects.filter(day__in=days).delete()
        DailyStoreSales.objects.bulk_create(
            [
                DailyStoreSales(day=day, store_id=store, **values)
                for (day, store), values in sales.items()
            ],
            batch_size=5000,
        )
        DailyCustomerSpend.objects.bulk_create(
            [
                DailyCustomerSpend(
                    day=day,
                    store_id=store,
                    user_id=user,
                    online_count=v[0],
                    online_cents=to_cents(v[1]),
                    store_count=v[2],
                    store_cents=to_cents(v[3]),
                )
                for (day, store, user), v in spend.items()
            ],
            batch_size=5000,
        )
        made = DailyInterest.objects.bulk_create(
            [
                DailyInterest(
                    day=day, user_id=user, product_id=product, category_id=cat, first_at=at
                )
                for (day, user, product), (cat, at, _c) in interests.items()
            ],
            batch_size=5000,
        )
        ids = {(row.day, row.user_id, row.product_id): row.pk for row in made}
        if any(pk is None for pk in ids.values()):  # a database that returns no ids
            ids = {
                (d, u, p): pk
                for pk, d, u, p in DailyInterest.objects.filter(day__in=days).values_list(
                    "pk", "day", "user_id", "product_id"
                )
            }
        DailyConversion.objects.bulk_create(
            [
                DailyConversion(interest_id=ids[key], store_id=store, first_at=at)
                for key, (_cat, _at, stores) in interests.items()
                for store, at in stores.items()
            ],
            batch_size=5000,
        )
        DailyStock.objects.bulk_create(
            [
                DailyStock(day=day, store_id=store, category_id=cat, moved=moved, sold=sold)
                for (day, store, cat), (moved, sold) in stock.items()
            ],
            batch_size=5000,
        )
    return len(days)


def days_changed_since(*, since: dt.datetime) -> set[dt.date]:
    """Past days whose figures changed after `since`: the days pickup orders with a new event
    were placed or collected on, and the days of till receipts booked since (late)."""
    tz = timezone.get_current_timezone()
    days: set[dt.date] = set()
    orders = Order.objects.filter(
        pk__in=OrderEvent.objects.filter(created_at__gte=since).values("order_id")
    ).values_list("created_at", "collected_at")
    for placed, collected in orders:
        days.add(timezone.localtime(placed, tz).date())
        if collected is not None:
            days.add(timezone.localtime(collected, tz).date())
    for (occurred,) in TillReceipt.objects.filter(created_at__gte=since).values_list("occurred_at"):
        days.add(timezone.localtime(occurred, tz).date())
    return days


def rollups_refresh(*, today: dt.date | None = None) -> int:
    """The beat job's work: yesterday and today, the last 15 days (conversions still counting),
    and every older day that changed since yesterday began. Returns the days recomputed."""
    today = today or timezone.localdate()
    recent_first = today - CONVERSION_WINDOW - dt.timedelta(days=1)
    done = rollups_recompute(first=recent_first, last=today)
    changed = days_changed_since(since=day_start(today - dt.timedelta(days=1)))
    rolled = set(
        RollupDay.objects.filter(day__in=[d for d in changed if d < recent_first]).values_list(
            "day", flat=True
        )
    )
    for first, last in day_ranges(rolled):
        done += rollups_recompute(first=first, last=last)
    return done


def day_ranges(days: set[dt.date], longest: int = 31) -> list[tuple[dt.date, dt.date]]:
    """The days as runs of consecutive days (at most `longest` each): a recompute per run."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in sorted(days):
        if (
            runs
            and day - runs[-1][1] == dt.timedelta(days=1)
            and (day - runs[-1][0]).days < longest
        ):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs
