"""Reads of loyalty data that several callers need (card page, API, desk, admin, services)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Replace
from django.utils import timezone
from django.utils.translation import gettext as _

from . import ean
from .errors import CardNumberError, UnknownCard
from .models import EntryKind, LoyaltyAccount, PointsEntry, Tier
from .rules import redeemable_max_points

SPEND_WINDOW = dt.timedelta(days=365)
ZERO = Decimal("0.00")


def account_balance(account: LoyaltyAccount) -> int:
    """The points balance: the sum of the ledger, in one aggregate query."""
    return PointsEntry.objects.filter(account=account).aggregate(total=Coalesce(Sum("points"), 0))[
        "total"
    ]


def points_redeemable(account: LoyaltyAccount, order_total: Decimal) -> int:
    """How many points the customer may use on an order of `order_total` (for the checkout form)."""
    return max(min(account_balance(account), redeemable_max_points(order_total)), 0)


def spend_window_start(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - SPEND_WINDOW


def account_spend_12m(account: LoyaltyAccount, now: dt.datetime | None = None) -> Decimal:
    """Purchases minus returns (in €) in the last twelve months, by the date they happened."""
    money = DecimalField(max_digits=12, decimal_places=2)
    totals = PointsEntry.objects.filter(
        account=account, occurred_at__gt=spend_window_start(now), amount__isnull=False
    ).aggregate(
        earned=Coalesce(
            Sum("amount", filter=Q(kind=EntryKind.EARN)), Value(ZERO), output_field=money
        ),
        returned=Coalesce(
            Sum("amount", filter=Q(kind=EntryKind.RETURN_TAKEBACK)), Value(ZERO), output_field=money
        ),
    )
    return totals["earned"] - totals["returned"]


def tier_for_spend(spend: Decimal) -> Tier | None:
    """The highest tier whose threshold the spend reaches (thresholds are inclusive)."""
    return Tier.objects.filter(min_spend_12m__lte=spend).order_by("-min_spend_12m").first()


@dataclass(frozen=True)
class TierProgress:
    spend_12m: Decimal
    next_tier: Tier | None
    missing: Decimal  # € still to spend for the next tier; 0 when at the top


def tier_progress(account: LoyaltyAccount) -> TierProgress:
    spend = account_spend_12m(account)
    next_tier = Tier.objects.filter(min_spend_12m__gt=spend).order_by("min_spend_12m").first()
    missing = (next_tier.min_spend_12m - spend) if next_tier else ZERO
    return TierProgress(spend_12m=spend, next_tier=next_tier, missing=missing)


def entries_for_account(account: LoyaltyAccount) -> QuerySet[PointsEntry]:
    """The history of every channel, newest first, with the store in the same query."""
    return (
        PointsEntry.objects.filter(account=account)
        .select_related("store")
        .order_by("-occurred_at", "-id")
    )


def recent_purchases(account: LoyaltyAccount, limit: int = 5) -> list[PointsEntry]:
    return list(entries_for_account(account).filter(kind=EntryKind.EARN)[:limit])


def account_by_card_number(raw: str) -> LoyaltyAccount:
    """The account of a typed or scanned card number; CardNumberError says what is wrong."""
    number = ean.normalise(raw)
    if not number.isdigit() or not number.isascii():
        raise CardNumberError(_("A card number has digits only."))
    if len(number) != 13:
        raise CardNumberError(_("A card number has 13 digits."))
    if not ean.is_valid(number):
        raise CardNumberError(_("The check digit is wrong; please type the number again."))
    if not ean.is_in_store(number):
        raise CardNumberError(_("This is not one of our loyalty cards."))
    account = (
        LoyaltyAccount.objects.select_related("user", "tier").filter(card_number=number).first()
    )
    if account is None:
        raise UnknownCard(_("No loyalty card has this number."))
    if account.retired_at is not None:
        raise UnknownCard(_("This loyalty card was retired."))
    return account


def _phone_digits(raw: str) -> str:
    """A phone number as digits, the German country code written as the national 0."""
    plus = raw.strip().startswith("+") or raw.strip().startswith("00")
    digits = "".join(c for c in raw if c.isdigit())
    if plus:
        digits = digits[2:] if digits.startswith("00") else digits
        if digits.startswith("49"):
            digits = "0" + digits[2:]
    return digits


def account_by_customer(raw: str) -> LoyaltyAccount:
    """The account of a card number, the customer's e-mail address or their phone number.

    An e-mail address has an @; a phone number starts with + or 0 (spaces, dashes and slashes
    are ignored; +49 and 0 are the same); anything else is read as a card number. A phone
    number that several customers gave finds none of them: ask for the card or the address.
    """
    typed = raw.strip()
    accounts = LoyaltyAccount.objects.select_related("user", "tier")
    if "@" in typed:
        account = accounts.filter(user__email__iexact=typed).first()
        if account is None:
            raise UnknownCard(_("No loyalty card belongs to this e-mail address."))
        return account
    if typed[:1] in ("+", "0") and len(_phone_digits(typed)) >= 6:
        wanted = _phone_digits(typed)
        tail = wanted[-6:]
        stripped: Any = F("user__phone")
        for sign in (" ", "-", "/", "(", ")", "."):
            stripped = Replace(stripped, Value(sign), Value(""))
        candidates = [
            account
            for account in accounts.alias(phone_plain=stripped).filter(phone_plain__endswith=tail)
            if _phone_digits(account.user.phone) == wanted
        ]
        if len(candidates) > 1:
            raise UnknownCard(
                _("Several customers gave this phone number; please use the card or e-mail.")
            )
        if not candidates:
            raise UnknownCard(_("No loyalty card belongs to this phone number."))
        return candidates[0]
    return account_by_card_number(typed)
