"""The KPIs, each read from the ledgers of the app that owns it (orders and their events, the points
and store-credit ledgers, till receipts, the stock movement ledger, returns and refunds). Nothing
here is a hand-kept counter: every figure can be recomputed for any period.

A period is two local dates, both included (`Period`); `store_ids` limits every store-bound figure
to those stores. Wallet figures (points and store-credit liability, tiers) belong to the customer,
not to a store, and are shop-wide.
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from accounts.types import AnyUser
from inventory.models import MovementKind, ReconciliationFinding, StockLevel, StockMovement
from loyalty.models import (
    EntryKind,
    LoyaltyAccount,
    PointsEntry,
    StoreCreditEntry,
    TillReceipt,
    TillReceiptLine,
)
from loyalty.rules import points_value
from returns.models import Refund, ReturnLine, ReturnRequest
from shop.orders.models import Order, OrderLine, OrderStatus
from stores.models import StaffRole, Store
from stores.selectors import staff_stores

from . import rollups
from .models import (
    CartAddition,
    DailyInterest,
    DailyStock,
    DailyStoreSales,
    NpsSurvey,
    RollupDay,
    StockoutShown,
)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
CONVERSION_WINDOW = dt.timedelta(days=14)
CLV_WINDOW = dt.timedelta(days=365)
NPS_COMMENTS = 20


@dataclass(frozen=True)
class Period:
    """Local calendar days `first` to `last`, both included."""

    first: dt.date
    last: dt.date

    @property
    def start(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.first, dt.time.min))

    @property
    def end(self) -> dt.datetime:
        """The first moment after the period."""
        return timezone.make_aware(
            dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time.min)
        )

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> "Period":
        """The period of the same length just before this one."""
        last = self.first - dt.timedelta(days=1)
        return Period(first=last - dt.timedelta(days=self.days - 1), last=last)


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile (0 < share <= 1) of the values; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(int(-(-share * len(ordered) // 1)), 1)  # ceil(share × n), at least 1
    return ordered[rank - 1]


def _ratio(part: float | Decimal | int, whole: float | Decimal | int) -> float | None:
    return float(part) / float(whole) if whole else None


def _cents(amount: Decimal | None) -> Decimal:
    """A sum of amounts to the cent (SQLite's sum of decimals loses the places)."""
    return (amount or ZERO).quantize(CENT)


def _in_stores(store_ids: Iterable[int] | None, field: str = "store_id") -> Q:
    return Q(**{f"{field}__in": list(store_ids)}) if store_ids is not None else Q()


def _past_days(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date] | None:
    """The whole past days of `first`…`last` (read from roll-ups), None when there are none."""
    end = min(last, timezone.localdate() - dt.timedelta(days=1))
    return (first, end) if first <= end else None


def _today_in(first: dt.date, last: dt.date) -> dt.date | None:
    """Today, when it lies in `first`…`last` (read from the ledgers)."""
    today = timezone.localdate()
    return today if first <= today <= last else None


_memo: ContextVar[dict[tuple, dict] | None] = ContextVar("insight_memo", default=None)


@contextmanager
def reading() -> Iterator[None]:
    """One page's (or API answer's) reads: today's ledger rows are read once for every store
    and reused by every figure of the page (outside it, each figure reads them itself)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def _today_rows(name: str, today: dt.date, store_ids: list[int] | None) -> dict[tuple, Any]:
    """`rollups.<name>` for today, of these stores (the store is the key's second part)."""
    memo = _memo.get()
    key = (name, today)
    if memo is not None and key in memo:
        rows = memo[key]
    else:
        rows = getattr(rollups, name)(first=today, last=today)
        if memo is not None:
            memo[key] = rows
    if store_ids is None or name == "interest_rows":
        return rows
    wanted = set(store_ids)
    return {k: v for k, v in rows.items() if k[1] in wanted}


def rollups_cover(first: dt.date, last: dt.date) -> bool:
    """Whether every whole past day of `first`…`last` is rolled up (today never needs to be)."""
    days = _past_days(first, last)
    if days is None:
        return True
    wanted = (days[1] - days[0]).days + 1
    return RollupDay.objects.filter(day__range=days).count() == wanted


# --- Click & collect ------------------------------------------------------------------------


_PICKED = (OrderStatus.READY, OrderStatus.COLLECTED, OrderStatus.EXPIRED)


def _cc_rows(*, period: Period, store_ids: list[int] | None) -> list[tuple]:
    """(store, status, placed→ready, ready→collected, ready by the promise, a line short) of the
    orders placed in the period; durations and the promise are worked out in the database."""
    placed = Order.objects.filter(
        _in_stores(store_ids), created_at__gte=period.start, created_at__lt=period.end
    )
    short = set(
        OrderLine.objects.filter(order__in=placed, quantity_short__gt=0).values_list(
            "order_id", flat=True
        )
    )
    rows = placed.annotate(
        to_ready=ExpressionWrapper(F("ready_at") - F("created_at"), output_field=DurationField()),
        to_collected=ExpressionWrapper(
            F("collected_at") - F("ready_at"), output_field=DurationField()
        ),
        kept=Case(
            When(ready_at__isnull=True, then=Value(None)),
            When(promised_ready_at__isnull=True, then=Value(None)),
            When(ready_at__lte=F("promised_ready_at"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(null=True),
        ),
    ).values_list("pk", "store_id", "status", "to_ready", "to_collected", "kept")
    return [(*row[1:], row[0] in short) for row in rows]


def _money(cents: int | None) -> Decimal:
    return (Decimal(int(cents or 0)) / 100).quantize(CENT)


def _sales_rolled(
    *, period: Period, store_ids: list[int] | None, use_rollups: bool = True
) -> dict[tuple[dt.date, int], dict[str, int]] | None:
    """{(day, store): sums of `rollups.SALES_FIELDS`} of the period from the daily sales
    roll-ups and today's ledgers; None when a past day of it is not rolled up (or not wanted):
    the caller then reads the ledgers."""
    if not use_rollups or not rollups_cover(period.first, period.last):
        return None
    rows: dict[tuple[dt.date, int], dict[str, int]] = {}
    past = _past_days(period.first, period.last)
    if past is not None:
        for values in DailyStoreSales.objects.filter(_in_stores(store_ids), day__range=past).values(
            "day", "store_id", *rollups.SALES_FIELDS
        ):
            rows[(values.pop("day"), values.pop("store_id"))] = values
    today = _today_in(period.first, period.last)
    if today is not None:
        rows.update(_today_rows("sales_rows", today, store_ids))
    return rows


def _sales_by_store(rows: dict[tuple[dt.date, int], dict[str, int]]) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(rollups.SALES_FIELDS, 0))
    for (_day, store), values in rows.items():
        for name, value in values.items():
            found[store][name] += value
    return found


def _cc_revenue(
    *, period: Period, store_ids: list[int] | None, use_rollups: bool = True
) -> dict[int, tuple[Decimal, int]]:
    """{store: (revenue, orders)} of the orders collected in the period."""
    sales = _sales_rolled(period=period, store_ids=store_ids, use_rollups=use_rollups)
    if sales is not None:
        return {
            store: (_money(v["online_cents"]), v["online_orders"])
            for store, v in _sales_by_store(sales).items()
            if v["online_orders"]
        }
    rows = (
        Order.objects.filter(
            _in_stores(store_ids),
            status=OrderStatus.COLLECTED,
            collected_at__gte=period.start,
            collected_at__lt=period.end,
        )
        .values("store_id")
        .annotate(revenue=Sum(rollups.ORDER_REVENUE), count=Count("id"))
        .order_by()
    )
    return {row["store_id"]: (_cents(row["revenue"]), row["count"]) for row in rows}


def _cc_figures(rows: list[tuple], revenue: Decimal, collected: int) -> dict[str, Any]:
    by_status = Counter(row[1] for row in rows)
    to_ready = [row[2].total_seconds() / 3600 for row in rows if row[2] is not None]
    to_collected = [row[3].total_seconds() / 3600 for row in rows if row[3] is not None]
    promised = [row[4] for row in rows if row[4] is not None]
    short = sum(1 for row in rows if row[5] and row[1] in _PICKED)
    ended = by_status[OrderStatus.COLLECTED] + by_status[OrderStatus.EXPIRED]
    return {
        "orders": len(rows),
        "collected": collected,
        "revenue": revenue,
        "placed_to_ready_h": {"p50": percentile(to_ready, 0.5), "p90": percentile(to_ready, 0.9)},
        "ready_to_collected_h": {
            "p50": percentile(to_collected, 0.5),
            "p90": percentile(to_collected, 0.9),
        },
        "promises_kept": _ratio(sum(1 for kept in promised if kept), len(promised)),
        "expiry_rate": _ratio(by_status[OrderStatus.EXPIRED], ended),
        "short_pick_rate": _ratio(short, sum(by_status[s] for s in _PICKED)),
        "cancelled": by_status[OrderStatus.CANCELLED],
    }


_CC_SQL = """
    WITH placed AS (
        SELECT o.id, o.store_id, o.status, o.created_at, o.ready_at, o.collected_at,
            o.promised_ready_at
        FROM shop_order o
        WHERE o.created_at >= %(start)s AND o.created_at < %(end)s {stores}
    ), short AS (
        SELECT DISTINCT l.order_id FROM shop_orderline l JOIN placed p ON p.id = l.order_id
        WHERE l.quantity_short > 0
    )
    SELECT o.store_id, COUNT(*),
        SUM(CASE WHEN o.status = %(cancelled)s THEN 1 ELSE 0 END),
        SUM(CASE WHEN o.status = %(collected)s THEN 1 ELSE 0 END),
        SUM(CASE WHEN o.status = %(expired)s THEN 1 ELSE 0 END),
        SUM(CASE WHEN o.status = ANY(%(picked)s) THEN 1 ELSE 0 END),
        SUM(CASE WHEN o.status = ANY(%(picked)s) AND s.order_id IS NOT NULL THEN 1 ELSE 0 END),
        COUNT(o.promised_ready_at) FILTER (WHERE o.ready_at IS NOT NULL),
        COUNT(*) FILTER (WHERE o.ready_at <= o.promised_ready_at),
        percentile_disc(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY o.ready_at - o.created_at),
        percentile_disc(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY o.collected_at - o.ready_at)
    FROM placed o LEFT JOIN short s ON s.order_id = o.id
    GROUP BY GROUPING SETS ((o.store_id), ())
"""


def _hours(value: dt.timedelta | None) -> float | None:
    return value.total_seconds() / 3600 if value is not None else None


def _cc_in_database(
    *, period: Period, store_ids: list[int] | None
) -> dict[int | None, dict[str, Any]]:
    """PostgreSQL: the click & collect figures of the orders placed in the period, per store and
    for all of them (key None), counted and their p50/p90 (`percentile_disc`: the nearest rank,
    as `percentile`) taken in one grouped query; nothing but the answer leaves the database."""
    memo = _memo.get()
    key = ("cc", period, tuple(sorted(store_ids)) if store_ids is not None else None)
    if memo is not None and key in memo:
        return memo[key]
    params: dict[str, Any] = {
        "cancelled": OrderStatus.CANCELLED.value,
        "collected": OrderStatus.COLLECTED.value,
        "expired": OrderStatus.EXPIRED.value,
        "picked": [s.value for s in _PICKED],
        "start": period.start,
        "end": period.end,
    }
    stores = _ids_sql("o.store_id", store_ids) if store_ids is not None else ""
    found: dict[int | None, dict[str, Any]] = {}  # store (None: all of them) → figures
    with connection.cursor() as cursor:
        cursor.execute(_CC_SQL.format(stores=stores), params)
        for row in cursor.fetchall():
            store, *counts = row[:9]
            orders, cancelled, collected, expired, picked, short, promised, kept = (
                n or 0 for n in counts
            )
            r50, r90, c50, c90 = (_hours(v) for values in row[9:] for v in (values or [None] * 2))
            found[store] = {
                "orders": orders,
                "placed_to_ready_h": {"p50": r50, "p90": r90},
                "ready_to_collected_h": {"p50": c50, "p90": c90},
                "promises_kept": _ratio(kept, promised),
                "expiry_rate": _ratio(expired, collected + expired),
                "short_pick_rate": _ratio(short, picked),
                "cancelled": cancelled,
            }
    if memo is not None:
        memo[key] = found
    return found


def _cc_empty() -> dict[str, Any]:
    return _cc_figures([], ZERO, 0)


def click_and_collect(
    *, period: Period, store_ids: Iterable[int] | None = None, use_rollups: bool = True
) -> dict[str, Any]:
    """Orders placed in the period and what became of them; revenue of orders collected in it.

    - `orders`: placed in the period; `cancelled`: of those, now cancelled.
    - `collected`, `revenue`: the orders collected in the period and their totals.
    - `placed_to_ready_h` / `ready_to_collected_h`: p50 and p90 in hours, of orders placed in the
      period that got that far.
    - `promises_kept`: of the orders placed in the period that were made ready and had a promised
      time, the share ready by then.
    - `expiry_rate`: expired / (collected + expired) of the orders placed in the period.
    - `short_pick_rate`: of the orders placed in the period that were picked (ready, collected or
      expired), the share with a line short.
    """
    ids = list(store_ids) if store_ids is not None else None
    revenue = _cc_revenue(period=period, store_ids=ids, use_rollups=use_rollups).values()
    money = sum((r for r, _n in revenue), ZERO)
    collected = sum(n for _r, n in revenue)
    if connection.vendor == "postgresql":
        figures = _cc_in_database(period=period, store_ids=ids).get(None) or _cc_empty()
        return {**figures, "collected": collected, "revenue": money}
    return _cc_figures(_cc_rows(period=period, store_ids=ids), money, collected)


def click_and_collect_by_store(
    *, period: Period, store_ids: Iterable[int], use_rollups: bool = True
) -> dict[int, dict[str, Any]]:
    """`click_and_collect` for each store, from one read of the orders."""
    ids = list(store_ids)
    revenue = _cc_revenue(period=period, store_ids=ids, use_rollups=use_rollups)
    if connection.vendor == "postgresql":
        found = _cc_in_database(period=period, store_ids=ids)
        by_store = {}
        for store in ids:
            money, collected = revenue.get(store, (ZERO, 0))
            figures = found.get(store) or _cc_empty()
            by_store[store] = {**figures, "collected": collected, "revenue": money}
        return by_store
    rows = _cc_rows(period=period, store_ids=ids)
    return {
        store: _cc_figures([row for row in rows if row[0] == store], *revenue.get(store, (ZERO, 0)))
        for store in ids
    }


def till_revenue_by_store(
    *, period: Period, store_ids: Iterable[int], use_rollups: bool = True
) -> dict[int, Decimal]:
    store_ids = list(store_ids)
    sales = _sales_rolled(period=period, store_ids=store_ids, use_rollups=use_rollups)
    if sales is not None:
        return {
            store: _money(v["till_cents"])
            for store, v in _sales_by_store(sales).items()
            if v["till_receipts"]
        }
    rows = (
        TillReceipt.objects.filter(
            store_id__in=list(store_ids), occurred_at__gte=period.start, occurred_at__lt=period.end
        )
        .values("store_id")
        .annotate(total=Sum("total"))
        .order_by()
    )
    return {row["store_id"]: _cents(row["total"]) for row in rows}


def return_rate_by_store(
    *, period: Period, store_ids: Iterable[int], use_rollups: bool = True
) -> dict[int, float | None]:
    """`returns(...)["rate"]` for each store, in two grouped queries."""
    ids = list(store_ids)
    sales = _sales_rolled(period=period, store_ids=ids, use_rollups=use_rollups)
    asked = dict(
        ReturnLine.objects.filter(
            return_request__order__store_id__in=ids,
            return_request__created_at__gte=period.start,
            return_request__created_at__lt=period.end,
        )
        .values_list("return_request__order__store_id")
        .annotate(units=Sum("quantity"))
        .order_by()
    )
    if sales is not None:
        collected = {store: v["online_units"] for store, v in _sales_by_store(sales).items()}
    else:
        collected = dict(
            OrderLine.objects.filter(
                order__store_id__in=ids,
                order__status=OrderStatus.COLLECTED,
                order__collected_at__gte=period.start,
                order__collected_at__lt=period.end,
            )
            .values_list("order__store_id")
            .annotate(units=Sum(F("quantity") - F("quantity_short")))
            .order_by()
        )
    return {store: _ratio(asked.get(store, 0), collected.get(store, 0)) for store in ids}


# --- Customers ------------------------------------------------------------------------------


def _purchases(
    *, start: dt.datetime, end: dt.datetime, store_ids: Iterable[int] | None
) -> dict[int, dict[str, tuple[int, Decimal]]]:
    """{customer user id: {"online" or "store": (purchases, amount)}} in [start, end): the
    collected pickup orders and the till receipts scanned with a card, summed in the database."""
    online = (
        Order.objects.filter(
            _in_stores(store_ids),
            status=OrderStatus.COLLECTED,
            collected_at__gte=start,
            collected_at__lt=end,
        )
        .values_list("customer_id")
        .annotate(n=Count("id"), amount=Sum(rollups.ORDER_REVENUE))
        .order_by()
    )
    till = (
        TillReceipt.objects.filter(
            _in_stores(store_ids),
            account__isnull=False,
            occurred_at__gte=start,
            occurred_at__lt=end,
        )
        .values_list("account__user_id")
        .annotate(n=Count("id"), amount=Sum("total"))
        .order_by()
    )
    found: dict[int, dict[str, tuple[int, Decimal]]] = defaultdict(dict)
    for channel, rows in (("online", online), ("store", till)):
        for user, count, amount in rows:
            found[user][channel] = (count, amount)
    return found


Purchases = dict[int, dict[str, tuple[int, Decimal]]]


@dataclass
class BuyerSummary:
    """What the customer figures need of the buyers: how many bought in the period, both online
    and in a store, twice or more; and per channel mix of the 12 months, customers and €."""

    buyers: int = 0
    cross: int = 0
    repeat: int = 0
    clv: dict[str, list[Any]] = field(
        default_factory=lambda: {mix: [0, ZERO] for mix in ("online", "store", "both")}
    )

    def add(self, year: list[Any], period: tuple[int, int]) -> None:
        """One customer: `year` = [online n, online €, till n, till €], `period` = (online n,
        till n) of the period."""
        if year[0] or year[2]:
            mix = "both" if year[0] and year[2] else ("online" if year[0] else "store")
            self.clv[mix][0] += 1
            self.clv[mix][1] += Decimal(str(year[1])) + Decimal(str(year[3]))
        if period[0] or period[1]:
            self.buyers += 1
            self.cross += bool(period[0] and period[1])
            self.repeat += period[0] + period[1] > 1


def _summary_of(buyers: Purchases, year: Purchases) -> BuyerSummary:
    summary = BuyerSummary()
    for user in buyers.keys() | year.keys():
        y, p = year.get(user, {}), buyers.get(user, {})
        on, st = y.get("online", (0, ZERO)), y.get("store", (0, ZERO))
        summary.add(
            [on[0], on[1], st[0], st[1]], (p.get("online", (0, 0))[0], p.get("store", (0, 0))[0])
        )
    return summary


_SPEND_BY_USER = """
    SELECT user_id, SUM(online_count), SUM(online_cents), SUM(store_count), SUM(store_cents),
        SUM(CASE WHEN day >= %s THEN online_count ELSE 0 END),
        SUM(CASE WHEN day >= %s THEN store_count ELSE 0 END)
    FROM insight_dailycustomerspend WHERE day >= %s AND day <= %s {where}
    GROUP BY user_id
"""
_SPEND_BY_MIX = """
    SELECT CASE WHEN u.on_n > 0 AND u.st_n > 0 THEN 'both' WHEN u.on_n > 0 THEN 'online'
        ELSE 'store' END, COUNT(*), SUM(u.on_a + u.st_a),
        SUM(CASE WHEN u.p_on + u.p_st > 0 THEN 1 ELSE 0 END),
        SUM(CASE WHEN u.p_on > 0 AND u.p_st > 0 THEN 1 ELSE 0 END),
        SUM(CASE WHEN u.p_on + u.p_st > 1 THEN 1 ELSE 0 END)
    FROM (
        SELECT SUM(online_count) AS on_n, SUM(online_cents) AS on_a, SUM(store_count) AS st_n,
            SUM(store_cents) AS st_a,
            SUM(CASE WHEN day >= %s THEN online_count ELSE 0 END) AS p_on,
            SUM(CASE WHEN day >= %s THEN store_count ELSE 0 END) AS p_st
        FROM insight_dailycustomerspend WHERE day >= %s AND day <= %s {where}
        GROUP BY user_id
    ) u GROUP BY 1
"""


def _ids_sql(column: str, ids: Iterable[int], negate: bool = False) -> str:
    """` AND column [NOT] IN (1, 2)` of integer ids (written in, they are ints)."""
    listed = ", ".join(str(int(pk)) for pk in ids)
    if not listed:
        return "" if negate else " AND 1 = 0"
    return f" AND {column} {'NOT IN' if negate else 'IN'} ({listed})"


def _buyers_rolled(
    *, first: dt.date, clv_first: dt.date, last: dt.date, store_ids: list[int] | None
) -> BuyerSummary:
    """The buyer summary from the customers' daily spend roll-ups, summed in the database per
    channel mix; the customers who bought today (in the period) are merged with today's
    ledgers one by one."""
    summary = BuyerSummary()
    today_rows: dict[int, list[Any]] = defaultdict(lambda: [0, ZERO, 0, ZERO])
    today = _today_in(clv_first, last)
    if today is not None:
        for (_d, _s, user), values in _today_rows("spend_rows", today, store_ids).items():
            row = today_rows[user]
            for n in range(4):
                row[n] += values[n]
    past = _past_days(clv_first, last)
    known: dict[int, list[Any]] = {}
    if past is not None:
        stores = _ids_sql("store_id", store_ids) if store_ids is not None else ""
        params = [first, first, past[0], past[1]]
        with connection.cursor() as cursor:
            cursor.execute(
                _SPEND_BY_MIX.format(where=stores + _ids_sql("user_id", today_rows, True)),
                params,
            )
            for mix, count, amount, buyers, cross, repeat in cursor.fetchall():
                summary.clv[mix][0] += count
                summary.clv[mix][1] += Decimal(int(amount or 0)) / 100
                summary.buyers += buyers or 0
                summary.cross += cross or 0
                summary.repeat += repeat or 0
            if today_rows:
                cursor.execute(
                    _SPEND_BY_USER.format(where=stores + _ids_sql("user_id", today_rows)), params
                )
                known = {row[0]: list(row[1:]) for row in cursor.fetchall()}
    for user, t in today_rows.items():
        y = known.get(user, [0, 0, 0, 0, 0, 0])
        in_period = today is not None and today >= first
        summary.add(
            [
                y[0] + t[0],
                Decimal(int(y[1] or 0)) / 100 + t[1],
                y[2] + t[2],
                Decimal(int(y[3] or 0)) / 100 + t[3],
            ],
            (y[4] + (t[0] if in_period else 0), y[5] + (t[2] if in_period else 0)),
        )
    return summary


def _wallet() -> tuple[list[dict[str, Any]], int, Decimal]:
    """Cards per tier, points held, store credit held: shop-wide and of now, so one page
    (`reading()`) reads them once for both periods."""
    memo = _memo.get()
    if memo is not None and ("wallet",) in memo:
        return memo[("wallet",)]["value"]
    tiers: list[dict[str, Any]] = [
        dict(row)
        for row in LoyaltyAccount.objects.values(name=F("tier__name"))
        .annotate(members=Count("id"))
        .order_by(F("tier__min_spend_12m").asc(nulls_first=True))
    ]
    points = PointsEntry.objects.aggregate(total=Coalesce(Sum("points"), 0))["total"]
    credit = StoreCreditEntry.objects.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]
    if memo is not None:
        memo[("wallet",)] = {"value": (tiers, points, credit)}
    return tiers, points, credit


def customers(
    *, period: Period, store_ids: Iterable[int] | None = None, use_rollups: bool = True
) -> dict[str, Any]:
    """Members and their wallets.

    - `active_members`: cards with a points entry of a purchase in the period (in these stores or
      online at them).
    - `card_revenue_share`: of the revenue (collected orders + till receipts), the share booked on
      a card.
    - `tiers`: cards per tier (shop-wide); `points_liability`: the € value of all points held;
      `store_credit_liability`: all store credit held (shop-wide).
    - `cross_channel_share`: of the customers who bought in the period, the share who bought both
      online and in a store.
    - `clv_12m`: revenue per customer in the twelve months (365 local days) up to the period's
      end, by channel mix.
    - `repeat_rate`: of the customers who bought in the period, the share who bought twice or more.
    """
    ids = list(store_ids) if store_ids is not None else None
    stores = _in_stores(ids)
    active = (
        PointsEntry.objects.filter(
            stores,
            kind=EntryKind.EARN,
            occurred_at__gte=period.start,
            occurred_at__lt=period.end,
        )
        .values("account_id")
        .distinct()
        .count()
    )
    sales = _sales_rolled(period=period, store_ids=ids, use_rollups=use_rollups)
    if sales is not None:
        online_revenue = _money(sum(v["online_cents"] for v in sales.values()))
        till = {
            "revenue": _money(sum(v["till_cents"] for v in sales.values())),
            "on_card": _money(sum(v["till_card_cents"] for v in sales.values())),
        }
    else:
        online_revenue = Order.objects.filter(
            stores,
            status=OrderStatus.COLLECTED,
            collected_at__gte=period.start,
            collected_at__lt=period.end,
        ).aggregate(revenue=Coalesce(Sum(rollups.ORDER_REVENUE), ZERO))["revenue"]
        till = TillReceipt.objects.filter(
            stores, occurred_at__gte=period.start, occurred_at__lt=period.end
        ).aggregate(
            revenue=Coalesce(Sum("total"), ZERO),
            on_card=Coalesce(Sum("total", filter=Q(account__isnull=False)), ZERO),
        )
    revenue = online_revenue + till["revenue"]
    on_card = online_revenue + till["on_card"]  # every pickup order is a member's
    clv_first = period.last - CLV_WINDOW + dt.timedelta(days=1)
    if use_rollups and rollups_cover(clv_first, period.last):
        summary = _buyers_rolled(
            first=period.first, clv_first=clv_first, last=period.last, store_ids=ids
        )
    else:
        year_start = Period(first=clv_first, last=period.last).start
        summary = _summary_of(
            _purchases(start=period.start, end=period.end, store_ids=ids),
            _purchases(start=year_start, end=period.end, store_ids=ids),
        )
    clv: dict[str, Decimal | None] = {
        mix: (amount / count).quantize(CENT) if count else None
        for mix, (count, amount) in summary.clv.items()
    }
    tiers, points, credit = _wallet()
    return {
        "active_members": active,
        "revenue": revenue,
        "card_revenue_share": _ratio(on_card, revenue),
        "tiers": [{"tier": t["name"], "members": t["members"]} for t in tiers],
        "points_liability": points_value(points),
        "store_credit_liability": credit,
        "buyers": summary.buyers,
        "cross_channel_share": _ratio(summary.cross, summary.buyers),
        "clv_12m": clv,
        "repeat_rate": _ratio(summary.repeat, summary.buyers),
    }


# --- Cross-channel conversion ---------------------------------------------------------------


def conversion(
    *, period: Period, store_ids: Iterable[int] | None = None, use_rollups: bool = True
) -> dict[str, Any]:
    """Of the (member, product) pairs a member put in the online cart or reserved (ordered for
    pickup) in the period, how many the member bought at a till within 14 days after their first
    interest in the period; per store of the first such till purchase (in these stores) and per
    category. `interests` counts the pairs, `converted` those bought."""
    ids = list(store_ids) if store_ids is not None else None
    if use_rollups and rollups_cover(period.first, period.last):
        return _conversion_rolled(period=period, store_ids=ids)
    interests: dict[tuple[int, int], dt.datetime] = {}
    categories: dict[int, int] = {}
    for user, product, category, at in CartAddition.objects.filter(
        added_at__gte=period.start, added_at__lt=period.end
    ).values_list("user_id", "variant__product_id", "variant__product__category_id", "added_at"):
        key = (user, product)
        interests[key] = min(at, interests.get(key, at))
        categories[product] = category
    for user, product, category, at in OrderLine.objects.filter(
        order__created_at__gte=period.start, order__created_at__lt=period.end
    ).values_list(
        "order__customer_id",
        "variant__product_id",
        "variant__product__category_id",
        "order__created_at",
    ):
        key = (user, product)
        interests[key] = min(at, interests.get(key, at))
        categories[product] = category
    products = {product for _user, product in interests}
    bought = (
        TillReceiptLine.objects.filter(
            _in_stores(ids, "receipt__store_id"),
            quantity__gt=0,
            receipt__account__isnull=False,
            variant__product_id__in=products,
            receipt__occurred_at__gte=period.start,
            receipt__occurred_at__lt=period.end + CONVERSION_WINDOW,
        )
        .values_list(
            "receipt__account__user_id",
            "variant__product_id",
            "receipt__store_id",
            "receipt__occurred_at",
        )
        .order_by("receipt__occurred_at", "receipt__store_id")
    )
    converted: dict[tuple[int, int], int] = {}
    for user, product, store, at in bought:
        first = interests.get((user, product))
        if first is not None and first <= at <= first + CONVERSION_WINDOW:
            converted.setdefault((user, product), store)
    return _conversion_figures(interests, categories, converted)


def _conversion_figures(
    interests: dict[tuple[int, int], Any],
    categories: dict[int, int],
    converted: dict[tuple[int, int], int],
) -> dict[str, Any]:
    by_store: Counter[int] = Counter(converted.values())
    by_category_interest: Counter[int] = Counter(categories[p] for _u, p in interests)
    by_category_converted: Counter[int] = Counter(categories[p] for _u, p in converted)
    return {
        "interests": len(interests),
        "converted": len(converted),
        "rate": _ratio(len(converted), len(interests)),
        "by_store": dict(by_store),
        "by_category": {
            category: {
                "interests": count,
                "converted": by_category_converted[category],
                "rate": _ratio(by_category_converted[category], count),
            }
            for category, count in by_category_interest.items()
        },
    }


_CONVERSION_SQL = """
    SELECT f.category_id, (
        SELECT c.store_id FROM insight_dailyconversion c
        WHERE c.interest_id = f.id {stores} ORDER BY c.first_at, c.store_id LIMIT 1
    ), COUNT(*)
    FROM (
        SELECT i.id, i.category_id, ROW_NUMBER() OVER (
            PARTITION BY i.user_id, i.product_id ORDER BY i.first_at, i.day
        ) AS n
        FROM insight_dailyinterest i WHERE i.day >= %s AND i.day <= %s
    ) f
    WHERE f.n = 1
    GROUP BY 1, 2
"""


def _conversion_rolled(*, period: Period, store_ids: list[int] | None) -> dict[str, Any]:
    """`conversion` from the daily interest roll-ups and today's ledgers: a pair's first
    interest of the period is its earliest day's row, whose till purchases (first per store)
    are stored with it; counted per category and store of the first purchase in the database.
    Today's interests count only for the pairs with no earlier day in the period."""
    interests: Counter[int] = Counter()
    converted: Counter[int] = Counter()
    by_store: Counter[int] = Counter()

    def count(category: int, store: int | None, n: int) -> None:
        interests[category] += n
        if store is not None:
            converted[category] += n
            by_store[store] += n

    past = _past_days(period.first, period.last)
    today = _today_in(period.first, period.last)
    today_rows = _today_rows("interest_rows", today, None) if today is not None else {}
    if past is not None:
        stores = _ids_sql("c.store_id", store_ids) if store_ids is not None else ""
        with connection.cursor() as cursor:
            cursor.execute(_CONVERSION_SQL.format(stores=stores), [past[0], past[1]])
            for category, store, n in cursor.fetchall():
                count(category, store, n)
        seen = set(
            DailyInterest.objects.filter(
                day__range=past, user_id__in={user for _d, user, _p in today_rows}
            ).values_list("user_id", "product_id")
        )
    else:
        seen = set()
    for (_day, user, product), (category, _at, bought) in today_rows.items():
        if (user, product) in seen:
            continue
        chosen = [(at, s) for s, at in bought.items() if store_ids is None or s in store_ids]
        count(category, min(chosen)[1] if chosen else None, 1)
    return {
        "interests": sum(interests.values()),
        "converted": sum(converted.values()),
        "rate": _ratio(sum(converted.values()), sum(interests.values())),
        "by_store": dict(by_store),
        "by_category": {
            category: {
                "interests": n,
                "converted": converted[category],
                "rate": _ratio(converted[category], n),
            }
            for category, n in interests.items()
        },
    }


# --- Stock ----------------------------------------------------------------------------------

SOLD_KINDS = (MovementKind.SALE, MovementKind.PICKUP_COLLECTED)


def _stock_since(*, period: Period, store_ids: list[int] | None) -> dict[tuple, Any]:
    """{(store, category): since_start, since_end, sold} from the movement ledger."""
    return {
        (row["store_id"], row["category_id"]): row
        for row in StockMovement.objects.filter(_in_stores(store_ids), created_at__gte=period.start)
        .values("store_id", category_id=F("variant__product__category_id"))
        .annotate(
            since_start=Sum("quantity"),
            since_end=Coalesce(Sum("quantity", filter=Q(created_at__gte=period.end)), 0),
            sold=Coalesce(
                Sum("quantity", filter=Q(kind__in=SOLD_KINDS, created_at__lt=period.end)), 0
            ),
        )
        .order_by()
    }


def _stock_since_rolled(
    *, period: Period, store_ids: list[int] | None, today: dt.date
) -> dict[tuple, dict[str, int]]:
    """`_stock_since` from the daily stock roll-ups of the past days and today's ledger."""
    found: dict[tuple, dict[str, int]] = defaultdict(
        lambda: {"since_start": 0, "since_end": 0, "sold": 0}
    )
    past = _past_days(period.first, today)
    if past is not None:
        for store, category, moved, after, sold in (
            DailyStock.objects.filter(_in_stores(store_ids), day__range=past)
            .values_list("store_id", "category_id")
            .annotate(
                moved_sum=Sum("moved"),
                moved_after=Sum("moved", filter=Q(day__gt=period.last)),
                sold_sum=Sum("sold", filter=Q(day__lte=period.last)),
            )
            .order_by()
        ):
            found[(store, category)] = {
                "since_start": moved or 0,
                "since_end": after or 0,
                "sold": sold or 0,
            }
    today_rows = _today_rows("stock_rows", today, store_ids) if today >= period.first else {}
    for (_day, store, category), (moved, sold) in today_rows.items():
        row = found[(store, category)]
        row["since_start"] += moved
        if today > period.last:
            row["since_end"] += moved
        else:
            row["sold"] += sold
    return dict(found)


def stock(
    *, period: Period, store_ids: Iterable[int] | None = None, use_rollups: bool = True
) -> dict[str, Any]:
    """Per store and category, from the movement ledger: `sold` units in the period (till sales
    and collected pickups), on hand at its start (`opening`) and end (`closing`), `turnover` =
    sold ÷ average on hand ((opening + closing) ÷ 2) and `days_of_cover` = closing ÷ units sold
    per day. On hand at a moment is today's on hand less the movements since, so only the
    movements from the period's start on are read (on hand is the sum of the ledger, which the
    nightly reconciliation holds true). `drift`: reconciliation findings in the period."""
    ids = list(store_ids) if store_ids is not None else None
    store_ids = ids
    now = {
        (row["store_id"], row["category_id"]): row["on_hand"]
        for row in StockLevel.objects.filter(_in_stores(store_ids))
        .values("store_id", category_id=F("variant__product__category_id"))
        .annotate(on_hand=Sum("on_hand"))
        .order_by()
    }
    today = timezone.localdate()
    if use_rollups and rollups_cover(period.first, today):
        since = _stock_since_rolled(period=period, store_ids=ids, today=today)
    else:
        since = _stock_since(period=period, store_ids=ids)
    table = []
    for key in sorted(now.keys() | since.keys()):
        on_hand = now.get(key, 0)
        moved = since.get(key, {"since_start": 0, "since_end": 0, "sold": 0})
        opening, closing = on_hand - moved["since_start"], on_hand - moved["since_end"]
        sold = -moved["sold"]
        if not (sold or opening or closing):
            continue
        table.append(
            {
                "store_id": key[0],
                "category_id": key[1],
                "sold": sold,
                "opening": opening,
                "closing": closing,
                "turnover": _ratio(sold, (opening + closing) / 2),
                "days_of_cover": _ratio(closing, sold / period.days) if sold else None,
            }
        )
    drift = ReconciliationFinding.objects.filter(
        _in_stores(store_ids), created_at__gte=period.start, created_at__lt=period.end
    ).values_list("expected", "actual")
    return {
        "table": table,
        "stockouts": stockouts(period=period, store_ids=ids),
        "drift_findings": len(drift),
        "drift_units": sum(abs(expected - actual) for expected, actual in drift),
    }


def stockouts(*, period: Period, store_ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """Per store and category, how often shoppers of the store were shown "not available at
    my store" (`shown`, product cards and product pages) and for how many products
    (`products`), from the daily counters; most shown first."""
    rows = (
        StockoutShown.objects.filter(
            _in_stores(list(store_ids) if store_ids is not None else None),
            day__range=(period.first, period.last),
        )
        .values("store_id", category_id=F("product__category_id"))
        .annotate(shown=Sum("shown"), products=Count("product_id", distinct=True))
        .order_by("-shown", "store_id", "category_id")
    )
    return [dict(row) for row in rows]


# --- Returns --------------------------------------------------------------------------------


def returns(
    *, period: Period, store_ids: Iterable[int] | None = None, use_rollups: bool = True
) -> dict[str, Any]:
    """Returns of orders of these stores: `rate` = units asked back in return requests made in
    the period ÷ units collected in the period; requests `by_reason`; inspected units
    `by_condition`; refunds issued in the period `by_method` (count and €)."""
    stores = _in_stores(store_ids, "order__store_id")
    requests = ReturnRequest.objects.filter(
        stores, created_at__gte=period.start, created_at__lt=period.end
    )
    asked = ReturnLine.objects.filter(return_request__in=requests).aggregate(
        units=Coalesce(Sum("quantity"), 0)
    )["units"]
    ids = list(store_ids) if store_ids is not None else None
    sales = _sales_rolled(period=period, store_ids=ids, use_rollups=use_rollups)
    if sales is not None:
        collected = sum(v["online_units"] for v in sales.values())
    else:
        collected = OrderLine.objects.filter(
            stores,
            order__status=OrderStatus.COLLECTED,
            order__collected_at__gte=period.start,
            order__collected_at__lt=period.end,
        ).aggregate(units=Coalesce(Sum(F("quantity") - F("quantity_short")), 0))["units"]
    by_reason = dict(requests.values_list("reason").annotate(n=Count("id")).order_by())
    by_condition = dict(
        ReturnLine.objects.filter(return_request__in=requests)
        .exclude(condition="")
        .values_list("condition")
        .annotate(units=Sum("quantity"))
        .order_by()
    )
    refunds = (
        Refund.objects.filter(
            _in_stores(store_ids, "return_request__order__store_id"),
            created_at__gte=period.start,
            created_at__lt=period.end,
        )
        .values("method")
        .annotate(count=Count("id"), amount=Sum("amount"))
        .order_by("method")
    )
    return {
        "requests": requests.count(),
        "units": asked,
        "rate": _ratio(asked, collected),
        "by_reason": by_reason,
        "by_condition": by_condition,
        "by_method": {r["method"]: {"count": r["count"], "amount": r["amount"]} for r in refunds},
    }


def nps(*, period: Period, store_ids: Iterable[int] | None = None) -> dict[str, Any]:
    """Answers given in the period: NPS = % promoters (9–10) − % detractors (0–6), per store and
    together, and the latest comments."""
    answers = NpsSurvey.objects.filter(
        _in_stores(store_ids), answered_at__gte=period.start, answered_at__lt=period.end
    )

    def score(rows: list[int]) -> dict[str, Any]:
        promoters = sum(1 for s in rows if s >= 9)
        detractors = sum(1 for s in rows if s <= 6)
        return {
            "answers": len(rows),
            "promoters": promoters,
            "detractors": detractors,
            "nps": round((promoters - detractors) * 100 / len(rows), 1) if rows else None,
        }

    per_store: dict[int, list[int]] = defaultdict(list)
    for store_id, value in answers.values_list("store_id", "score"):
        if value is not None:
            per_store[store_id].append(value)
    comments = [
        {"store_id": store_id, "score": value, "comment": text, "answered_at": when}
        for store_id, value, text, when in answers.exclude(comment="")
        .order_by("-answered_at")
        .values_list("store_id", "score", "comment", "answered_at")[:NPS_COMMENTS]
    ]
    return {
        **score([s for rows in per_store.values() for s in rows]),
        "by_store": {store_id: score(rows) for store_id, rows in per_store.items()},
        "comments": comments,
    }


def kpis(*, period: Period, store_ids: Iterable[int] | None = None) -> dict[str, Any]:
    """Every KPI of the period for these stores (None: all)."""
    ids = list(store_ids) if store_ids is not None else None
    return {
        "click_and_collect": click_and_collect(period=period, store_ids=ids),
        "customers": customers(period=period, store_ids=ids),
        "conversion": conversion(period=period, store_ids=ids),
        "stock": stock(period=period, store_ids=ids),
        "returns": returns(period=period, store_ids=ids),
        "nps": nps(period=period, store_ids=ids),
    }


def daily_revenue(
    *, period: Period, store_ids: Iterable[int] | None = None, use_rollups: bool = True
) -> list[dict[str, Any]]:
    """Per local day of the period: revenue of collected pickup orders and of till receipts,
    summed per day in the database."""
    tz = timezone.get_current_timezone()
    days = {
        period.first + dt.timedelta(days=n): {"online": ZERO, "store": ZERO}
        for n in range(period.days)
    }
    ids = list(store_ids) if store_ids is not None else None
    store_ids = ids
    sales = _sales_rolled(period=period, store_ids=ids, use_rollups=use_rollups)
    if sales is not None:
        cents: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
        for (day, _store), values in sales.items():
            cents[day][0] += values["online_cents"]
            cents[day][1] += values["till_cents"]
        for day, (online_cents, till_cents) in cents.items():
            if day in days:
                days[day] = {"online": _money(online_cents), "store": _money(till_cents)}
        return [{"day": day, **values} for day, values in days.items()]
    online = (
        Order.objects.filter(
            _in_stores(store_ids),
            status=OrderStatus.COLLECTED,
            collected_at__gte=period.start,
            collected_at__lt=period.end,
        )
        .annotate(day=TruncDate("collected_at", tzinfo=tz))
        .values_list("day")
        .annotate(total=Sum(rollups.ORDER_REVENUE))
        .order_by()
    )
    till = (
        TillReceipt.objects.filter(
            _in_stores(store_ids), occurred_at__gte=period.start, occurred_at__lt=period.end
        )
        .annotate(day=TruncDate("occurred_at", tzinfo=tz))
        .values_list("day")
        .annotate(total=Sum("total"))
        .order_by()
    )
    for channel, rows in (("online", online), ("store", till)):
        for day, total in rows:
            if day in days:
                days[day][channel] += _cents(total)
    return [{"day": day, **values} for day, values in days.items()]


def kpi_stores(*, user: AnyUser | None) -> QuerySet[Store]:
    """The stores whose KPIs this user may see: every store for the head office (a superuser or
    whoever holds `insight.view_all_stores`), the stores they manage for a store manager."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Store.objects.none()
    if user.is_superuser or user.has_perm("insight.view_all_stores"):
        return Store.objects.all()
    return staff_stores(user=user, role=StaffRole.MANAGER)


def sees_all_stores(*, user: AnyUser | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_perm("insight.view_all_stores"))
    )
