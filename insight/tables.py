"""The dashboard's tables, built once from the KPIs for the page, its charts and the CSV export.

Each cell keeps its raw value and a kind (text, int, money, share, hours, days, ratio); the page
formats it in the reader's language, the CSV writes it as a machine value.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from returns.models import LineCondition, RefundMethod, ReturnReason
from shop.catalogue.models import Category
from stores.models import Store

from . import selectors
from .selectors import Period


@dataclass
class Table:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (heading, kind)
    rows: list[list[Any]] = field(default_factory=list)

    @property
    def wide(self) -> bool:
        """Tables of four columns or more take the page's full width."""
        return len(self.columns) >= 4


def _delta(now: Any, before: Any) -> Any:
    if now is None or before is None:
        return None
    return now - before


def _headline(now: dict, before: dict) -> list[tuple[str, str, Any, Any]]:
    cc, cu, co, re = (now[k] for k in ("click_and_collect", "customers", "conversion", "returns"))
    bcc, bcu, bco, bre = (
        before[k] for k in ("click_and_collect", "customers", "conversion", "returns")
    )
    return [
        ("revenue", "money", cu["revenue"], bcu["revenue"]),
        ("orders", "int", cc["orders"], bcc["orders"]),
        ("cc_revenue", "money", cc["revenue"], bcc["revenue"]),
        ("promises_kept", "share", cc["promises_kept"], bcc["promises_kept"]),
        ("ready_p50", "hours", cc["placed_to_ready_h"]["p50"], bcc["placed_to_ready_h"]["p50"]),
        ("expiry_rate", "share", cc["expiry_rate"], bcc["expiry_rate"]),
        ("active_members", "int", cu["active_members"], bcu["active_members"]),
        ("card_share", "share", cu["card_revenue_share"], bcu["card_revenue_share"]),
        ("cross_channel", "share", cu["cross_channel_share"], bcu["cross_channel_share"]),
        ("repeat_rate", "share", cu["repeat_rate"], bcu["repeat_rate"]),
        ("conversion", "share", co["rate"], bco["rate"]),
        ("return_rate", "share", re["rate"], bre["rate"]),
        ("nps", "nps", now["nps"]["nps"], before["nps"]["nps"]),
    ]


def headline_labels() -> dict[str, str]:
    return {
        "revenue": _("Revenue (pickup and till)"),
        "orders": _("Pickup orders"),
        "cc_revenue": _("Pickup revenue"),
        "promises_kept": _("Ready as promised"),
        "ready_p50": _("Placed to ready (median)"),
        "expiry_rate": _("Not collected (expired)"),
        "active_members": _("Active members"),
        "card_share": _("Revenue on a card"),
        "cross_channel": _("Cross-channel customers"),
        "repeat_rate": _("Repeat buyers"),
        "conversion": _("Online interest bought in store"),
        "return_rate": _("Return rate"),
        "nps": _("Net promoter score"),
    }


def headline(now: dict, before: dict) -> Table:
    labels = headline_labels()
    table = Table(
        "summary",
        _("Summary"),
        [
            (_("Figure"), "text"),
            (_("This period"), "auto"),
            (_("Previous period"), "auto"),
            (_("Change"), "auto"),
        ],
    )
    for key, kind, value, previous in _headline(now, before):
        table.rows.append(
            [labels[key], (kind, value), (kind, previous), (kind, _delta(value, previous))]
        )
    return table


def store_comparison(*, period: Period, stores: Iterable[Store]) -> Table:
    """The main figures of each store side by side."""
    table = Table(
        "stores",
        _("Stores side by side"),
        [
            (_("Store"), "text"),
            (_("Pickup orders"), "int"),
            (_("Pickup revenue"), "money"),
            (_("Till revenue"), "money"),
            (_("Placed to ready (median)"), "hours"),
            (_("Ready as promised"), "share"),
            (_("Not collected (expired)"), "share"),
            (_("Short picks"), "share"),
            (_("Return rate"), "share"),
        ],
    )
    stores = list(stores)
    ids = [store.pk for store in stores]
    pickup = selectors.click_and_collect_by_store(period=period, store_ids=ids)
    till = selectors.till_revenue_by_store(period=period, store_ids=ids)
    returned = selectors.return_rate_by_store(period=period, store_ids=ids)
    for store in stores:
        cc = pickup[store.pk]
        table.rows.append(
            [
                store.name,
                cc["orders"],
                cc["revenue"],
                till.get(store.pk, Decimal(0)),
                cc["placed_to_ready_h"]["p50"],
                cc["promises_kept"],
                cc["expiry_rate"],
                cc["short_pick_rate"],
                returned[store.pk],
            ]
        )
    return table


def detail_tables(now: dict) -> list[Table]:
    """Every other table of the page, from the period's KPIs."""
    cc, cu, co, st, re = (
        now[k] for k in ("click_and_collect", "customers", "conversion", "stock", "returns")
    )
    stores = dict(Store.objects.values_list("pk", "name"))
    categories = dict(Category.objects.values_list("pk", "name"))
    timing = Table(
        "pickup_times",
        _("Pickup times"),
        [(_("Step"), "text"), (_("Median"), "hours"), (_("90 % within"), "hours")],
        [
            [_("Placed to ready"), cc["placed_to_ready_h"]["p50"], cc["placed_to_ready_h"]["p90"]],
            [
                _("Ready to collected"),
                cc["ready_to_collected_h"]["p50"],
                cc["ready_to_collected_h"]["p90"],
            ],
        ],
    )
    wallet = Table(
        "wallet",
        _("Customers and their wallet"),
        [(_("Figure"), "text"), (_("Value"), "auto")],
        [
            [_("Active members"), ("int", cu["active_members"])],
            [_("Customers who bought"), ("int", cu["buyers"])],
            [_("Points liability"), ("money", cu["points_liability"])],
            [_("Store credit liability"), ("money", cu["store_credit_liability"])],
            [_("Cancelled pickup orders"), ("int", cc["cancelled"])],
        ],
    )
    clv_names = {
        "online": _("Online only"),
        "store": _("Store only"),
        "both": _("Online and store"),
    }
    clv = Table(
        "clv",
        _("Customer value in 12 months by channel"),
        [(_("Channels"), "text"), (_("Revenue per customer"), "money")],
        [[clv_names[mix], value] for mix, value in cu["clv_12m"].items()],
    )
    tiers = Table(
        "tiers",
        _("Members per tier"),
        [(_("Tier"), "text"), (_("Members"), "int")],
        [[row["tier"] or _("No tier yet"), row["members"]] for row in cu["tiers"]],
    )
    conversion = Table(
        "conversion",
        _("Online interest bought in store within 14 days, per category"),
        [
            (_("Category"), "text"),
            (_("Products carted or reserved"), "int"),
            (_("Bought at a till"), "int"),
            (_("Conversion"), "share"),
        ],
        [
            [categories.get(cat, "?"), row["interests"], row["converted"], row["rate"]]
            for cat, row in sorted(co["by_category"].items(), key=lambda kv: -kv[1]["interests"])
        ],
    )
    conversion_stores = Table(
        "conversion_stores",
        _("Online interest bought in store, per store"),
        [(_("Store"), "text"), (_("Bought at a till"), "int")],
        [
            [stores.get(pk, "?"), n]
            for pk, n in sorted(co["by_store"].items(), key=lambda kv: -kv[1])
        ],
    )
    stock = Table(
        "stock",
        _("Stock turnover and cover"),
        [
            (_("Store"), "text"),
            (_("Category"), "text"),
            (_("Sold"), "int"),
            (_("On hand at the end"), "int"),
            (_("Turnover"), "ratio"),
            (_("Days of cover"), "days"),
        ],
        [
            [
                stores.get(r["store_id"], "?"),
                categories.get(r["category_id"], "?"),
                r["sold"],
                r["closing"],
                r["turnover"],
                r["days_of_cover"],
            ]
            for r in st["table"]
        ],
    )
    stockouts = Table(
        "stockouts",
        _("Shown as not available at my store"),
        [
            (_("Store"), "text"),
            (_("Category"), "text"),
            (_("Times shown"), "int"),
            (_("Products"), "int"),
        ],
        [
            [
                stores.get(r["store_id"], "?"),
                categories.get(r["category_id"], "?"),
                r["shown"],
                r["products"],
            ]
            for r in st["stockouts"]
        ],
    )
    reasons = dict(ReturnReason.choices)
    conditions = dict(LineCondition.choices)
    methods = dict(RefundMethod.choices)
    returns = Table(
        "returns",
        _("Returns"),
        [(_("Group"), "text"), (_("Value"), "text"), (_("Count"), "int"), (_("Amount"), "money")],
        [[_("Reason"), reasons.get(k, k), n, None] for k, n in re["by_reason"].items()]
        + [
            [_("Condition (units)"), conditions.get(k, k), n, None]
            for k, n in re["by_condition"].items()
        ]
        + [
            [_("Refund method"), methods.get(k, k), v["count"], v["amount"]]
            for k, v in re["by_method"].items()
        ],
    )
    drift = Table(
        "drift",
        _("Stock drift found by reconciliation"),
        [(_("Findings"), "int"), (_("Units"), "int")],
        [[st["drift_findings"], st["drift_units"]]],
    )
    nps_table = Table(
        "nps",
        _("Recommendation (NPS) per store"),
        [
            (_("Store"), "text"),
            (_("Answers"), "int"),
            (_("Promoters (9–10)"), "int"),
            (_("Detractors (0–6)"), "int"),
            (_("NPS"), "nps"),
        ],
        [
            [stores.get(pk, "?"), r["answers"], r["promoters"], r["detractors"], r["nps"]]
            for pk, r in sorted(
                now["nps"]["by_store"].items(), key=lambda kv: stores.get(kv[0], "")
            )
        ],
    )
    comments = Table(
        "nps_comments",
        _("Comments of the recommendation survey"),
        [(_("Date"), "date"), (_("Store"), "text"), (_("Score"), "int"), (_("Comment"), "text")],
        [
            [c["answered_at"], stores.get(c["store_id"], "?"), c["score"], c["comment"]]
            for c in now["nps"]["comments"]
        ],
    )
    return [
        timing,
        wallet,
        clv,
        tiers,
        nps_table,
        comments,
        conversion,
        conversion_stores,
        stock,
        stockouts,
        returns,
        drift,
    ]
