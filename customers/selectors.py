"""Reads of the whole customer: the data export (DSGVO Art. 15/20) and the staff's customer 360.

Both read the same rows, through a fixed number of queries however long the history is.
`docs/data-export.md` documents the export's fields.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from insight.models import NpsSurvey
from inventory.privacy import stock_alerts_export
from loyalty.credit import store_credit_balance
from loyalty.models import Channel as PointsChannel
from loyalty.models import (
    EntryKind,
    LoyaltyAccount,
    PointsEntry,
    PromotionRedemption,
    StoreCreditEntry,
    Tier,
)
from loyalty.selectors import TierProgress, account_balance, tier_progress
from loyalty.till.selectors import receipt_lines_attach
from notifications.models import Channel, Notification, NotificationStatus
from returns.models import ReturnRequest
from shop.orders.models import Order, OrderLine
from shop.recommendations.privacy import customer_picks_export
from stores.models import Store

from .models import AccessKind, CustomerAccess, MarketingConsent

EXPORT_FORMAT_VERSION = 1


def orders_of(user: User) -> QuerySet[Order]:
    return (
        Order.objects.filter(customer=user)
        .select_related("store")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("pk")),
            "events",
        )
        .order_by("-created_at", "-pk")
    )


def returns_of(user: User) -> QuerySet[ReturnRequest]:
    return (
        ReturnRequest.objects.filter(customer=user)
        .select_related("order", "received_store")
        .prefetch_related("lines__order_line", "events")
        .order_by("-created_at", "-pk")
    )


def points_of(user: User) -> QuerySet[PointsEntry]:
    return (
        PointsEntry.objects.filter(account__user=user)
        .select_related("store")
        .order_by("-occurred_at", "-pk")
    )


def credit_of(user: User) -> QuerySet[StoreCreditEntry]:
    return StoreCreditEntry.objects.filter(user=user).order_by("-created_at", "-pk")


def messages_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, status=NotificationStatus.SENT).order_by(
        "-created_at", "-pk"
    )


def consents_of(user: User) -> QuerySet[MarketingConsent]:
    return MarketingConsent.objects.filter(user=user).order_by("-created_at", "-pk")


def accesses_of(user: User) -> QuerySet[CustomerAccess]:
    return (
        CustomerAccess.objects.filter(customer=user, kind=AccessKind.OPEN)
        .select_related("store")
        .order_by("-created_at", "-pk")
    )


def _name(obj: Store | Tier | None) -> str | None:
    return obj.name if obj is not None else None


def _when(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def customer_data(*, user: User) -> dict[str, Any]:
    """Everything we hold about `user`, as JSON-ready values (the fields of docs/data-export.md)."""
    account = LoyaltyAccount.objects.select_related("tier").filter(user=user).first()
    points = receipt_lines_attach(points_of(user))
    return {
        "format": "omnishop-data-export",
        "version": EXPORT_FORMAT_VERSION,
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": user.phone,
            "language": user.language,
            "my_store": _name(user.preferred_store),
            "joined_at": _when(user.date_joined),
            "last_login_at": _when(user.last_login),
        },
        "marketing_consents": [
            {
                "granted": c.granted,
                "at": _when(c.created_at),
                "wording": c.wording,
                "language": c.language,
                "source": c.source,
            }
            for c in consents_of(user)
        ],
        "orders": [
            {
                "number": o.number,
                "status": o.status,
                "store": o.store.name,
                "placed_at": _when(o.created_at),
                "email": o.email,
                "phone": o.phone,
                "total": _money(o.total),
                "loyalty_discount": _money(o.loyalty_discount),
                "offer_name": o.offer_name,
                "offer_discount": _money(o.offer_discount),
                "store_credit_used": _money(o.store_credit_used),
                "amount_due": _money(o.amount_due),
                "collector_name": o.collector_name,
                "collector_email": o.collector_email,
                "lines": [
                    {
                        "sku": line.sku,
                        "product": line.product_name,
                        "variant": line.variant_label,
                        "unit_price": _money(line.unit_price),
                        "quantity": line.quantity,
                        "quantity_short": line.quantity_short,
                    }
                    for line in o.lines.all()
                ],
                "events": [
                    {
                        "at": _when(e.created_at),
                        "from_status": e.from_status,
                        "to_status": e.to_status,
                        "note": e.note_text,
                    }
                    for e in sorted(o.events.all(), key=lambda e: (e.created_at, e.pk))
                ],
            }
            for o in orders_of(user)
        ],
        "returns": [
            {
                "code": r.code,
                "order": r.order.number,
                "status": r.status,
                "reason": r.reason,
                "comment": r.comment,
                "requested_at": _when(r.created_at),
                "received_at": _when(r.received_at),
                "received_in": _name(r.received_store),
                "lines": [
                    {
                        "sku": line.order_line.sku,
                        "product": line.order_line.product_name,
                        "quantity": line.quantity,
                        "condition": line.condition,
                        "refund_amount": _money(line.refund_amount),
                    }
                    for line in r.lines.all()
                ],
            }
            for r in returns_of(user)
        ],
        "loyalty": {
            "card_number": account.card_number if account else None,
            "tier": _name(account.tier) if account else None,
            "points_balance": sum(e.points for e in points),
            "points_ledger": [_points_row(e) for e in points],
        },
        "till_purchases": [_points_row(e) for e in points if _is_till_purchase(e)],
        "store_credit": {
            "balance": _money(store_credit_balance(user=user)),
            "ledger": [
                {
                    "at": _when(c.created_at),
                    "amount": _money(c.amount),
                    "source": c.source,
                    "note": c.note_text,
                }
                for c in credit_of(user)
            ],
        },
        "offers_used": [
            {
                "at": _when(r.created_at),
                "offer": r.promotion.name,
                "code": r.promotion.code,
                "channel": r.channel,
                "store": r.store.name,
                "source": r.source,
                "discount": _money(r.amount),
                "given_back_at": _when(r.released_at),
            }
            for r in PromotionRedemption.objects.filter(customer=user)
            .select_related("promotion", "store")
            .order_by("created_at", "pk")
        ],
        "messages": [
            {
                "at": _when(n.created_at),
                "channel": n.channel,
                "kind": n.kind,
                "title": n.title,
                "text": n.body,
            }
            for n in messages_of(user)
        ],
        "stock_alerts": stock_alerts_export(user_id=user.pk, emails=[user.email]),
        "recommendations_for_you": customer_picks_export(user_id=user.pk),
        "recommendation_answers": [
            {
                "order": survey.order.number,
                "store": survey.store.name,
                "asked_at": _when(survey.asked_at),
                "score": survey.score,
                "comment": survey.comment,
                "answered_at": _when(survey.answered_at),
            }
            for survey in NpsSurvey.objects.filter(customer=user)
            .select_related("order", "store")
            .order_by("asked_at", "pk")
        ],
        "staff_access": [
            {"at": _when(a.created_at), "store": a.store.name, "page": a.page}
            for a in accesses_of(user)
        ],
    }


def _is_till_purchase(entry: PointsEntry) -> bool:
    return entry.kind == EntryKind.EARN and entry.channel == PointsChannel.STORE


def _points_row(e: PointsEntry) -> dict[str, Any]:
    return {
        "at": _when(e.occurred_at),
        "kind": e.kind,
        "points": e.points,
        "amount": _money(e.amount),
        "channel": e.channel,
        "store": _name(e.store),
        "source": e.source,
        "description": e.description_text,
        "lines": [
            {
                "quantity": line.quantity,
                "product": line.name,
                "variant": line.detail,
                "amount": _money(line.amount),
            }
            for line in getattr(e, "receipt_lines", [])
        ],
    }


# --- the customer 360 --------------------------------------------------------------------------


@dataclass
class TimelineItem:
    at: dt.datetime
    kind: str  # order, till, return, points, credit, message, consent, nps
    obj: Any
    open_here: bool = False


@dataclass
class Customer360:
    customer: User
    account: LoyaltyAccount | None
    balance: int
    credit: Decimal
    progress: TierProgress | None
    consent: MarketingConsent | None
    open_orders_here: list[Order]
    timeline: list[TimelineItem] = field(default_factory=list)


TIMELINE_LIMIT = 200


def customer_360(*, customer: User, store: Store) -> Customer360:
    """Everything about `customer`, newest first across channels, for staff at `store`."""
    account = LoyaltyAccount.objects.select_related("tier").filter(user=customer).first()
    orders = list(orders_of(customer)[:TIMELINE_LIMIT])
    items: list[TimelineItem] = [
        TimelineItem(o.created_at, "order", o, o.is_open and o.store_id == store.pk) for o in orders
    ]
    items += [
        TimelineItem(e.occurred_at, "till" if _is_till_purchase(e) else "points", e)
        for e in receipt_lines_attach(points_of(customer)[:TIMELINE_LIMIT])
    ]
    items += [
        TimelineItem(r.created_at, "return", r) for r in returns_of(customer)[:TIMELINE_LIMIT]
    ]
    items += [TimelineItem(c.created_at, "credit", c) for c in credit_of(customer)[:TIMELINE_LIMIT]]
    items += [
        TimelineItem(n.created_at, "message", n)
        for n in messages_of(customer).filter(channel=Channel.EMAIL)[:TIMELINE_LIMIT]
    ]
    items += [
        TimelineItem(survey.answered_at or survey.asked_at, "nps", survey)
        for survey in NpsSurvey.objects.filter(customer=customer, answered_at__isnull=False)
        .select_related("order", "store")
        .order_by("-answered_at")[:TIMELINE_LIMIT]
    ]
    consents = list(consents_of(customer)[:TIMELINE_LIMIT])
    items += [TimelineItem(c.created_at, "consent", c) for c in consents]
    items.sort(key=lambda item: item.at, reverse=True)
    return Customer360(
        customer=customer,
        account=account,
        balance=account_balance(account) if account else 0,
        credit=store_credit_balance(user=customer),
        progress=tier_progress(account) if account else None,
        consent=consents[0] if consents else None,
        open_orders_here=[o for o in orders if o.is_open and o.store_id == store.pk],
        timeline=items[:TIMELINE_LIMIT],
    )
