"""Reads of offers: what applies to a customer now, what a promotion gives on an amount."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from core.cached import cached_under_version, version_move

from ..models import LoyaltyAccount, OfferChannel, OfferKind, Promotion, PromotionRedemption
from ..rules import CENT

VERSION_KEY = "offers:version"
_AUTOMATIC_KEY = "offers:automatic"


def offer_discount_for(*, promotion: Promotion, basis: Decimal) -> Decimal:
    """What `promotion` takes off `basis` (the goods' total): a percentage rounded half-up to
    the cent, or the amount, never more than the basis."""
    if basis <= 0:
        return Decimal("0.00")
    if promotion.kind == OfferKind.PERCENT:
        off = (basis * Decimal(promotion.percent or 0) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    else:
        off = Decimal(promotion.amount or 0)
    return min(off, basis).quantize(CENT)


def promotions_current(
    *, channel: str | None = None, at: dt.datetime | None = None
) -> QuerySet[Promotion]:
    """Active promotions whose period includes `at` (now), optionally for one channel."""
    at = at or timezone.now()
    qs = Promotion.objects.filter(active=True, valid_from__lte=at).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=at)
    )
    if channel == OfferChannel.ONLINE:
        qs = qs.filter(online=True)
    elif channel == OfferChannel.TILL:
        qs = qs.filter(till=True)
    return qs


def uses(*, promotion: Promotion, customer: User | None = None) -> int:
    """Uses that count against the limits (not given back), in all or by one customer."""
    qs = PromotionRedemption.objects.filter(promotion=promotion, released_at__isnull=True)
    if customer is not None:
        qs = qs.filter(customer=customer)
    return qs.count()


@dataclass(frozen=True)
class CurrentOffer:
    """An offer the customer may use now, for the card page, the loyalty desk and the till."""

    promotion: Promotion
    uses_left: int
    store_names: list[str]

    @property
    def automatic(self) -> bool:
        return self.promotion.automatic


def _with_scope(qs: QuerySet[Promotion]) -> QuerySet[Promotion]:
    return qs.prefetch_related("tiers", "stores").annotate(
        _used=Count("redemptions", filter=Q(redemptions__released_at__isnull=True), distinct=True)
    )


def offers_for_account(
    *,
    account: LoyaltyAccount,
    channel: str | None = None,
    store_id: int | None = None,
    at: dt.datetime | None = None,
) -> list[CurrentOffer]:
    """The customer's current offers: automatic offers for their tier and codes meant for their
    tier (or for everyone), with uses left for them; the largest first (automatic before code)."""
    qs = promotions_current(channel=channel, at=at)
    if account.tier_id is None:
        qs = qs.filter(tiers__isnull=True)
    else:
        qs = qs.filter(Q(tiers__isnull=True) | Q(tiers=account.tier_id))
    qs = qs.exclude(code="", tiers__isnull=True).distinct()
    promotions = list(_with_scope(qs))
    if not promotions:
        return []
    mine = dict(
        PromotionRedemption.objects.filter(
            customer_id=account.user_id,
            released_at__isnull=True,
            promotion__in=[p.pk for p in promotions],
        )
        .values("promotion")
        .annotate(n=Count("id"))
        .values_list("promotion", "n")
    )
    offers: list[CurrentOffer] = []
    for promotion in promotions:
        stores = list(promotion.stores.all())
        if store_id is not None and stores and store_id not in {s.pk for s in stores}:
            continue
        left = promotion.per_customer_limit - mine.get(promotion.pk, 0)
        if promotion.total_limit is not None:
            left = min(left, promotion.total_limit - promotion._used)  # type: ignore[attr-defined]
        if left <= 0:
            continue
        offers.append(
            CurrentOffer(promotion=promotion, uses_left=left, store_names=[s.name for s in stores])
        )
    offers.sort(key=lambda o: (not o.automatic, o.promotion.valid_until is None, o.promotion.pk))
    return offers


def automatic_for_tier(
    *, tier_id: int | None, channel: str, store_id: int | None, at: dt.datetime | None = None
) -> list[Promotion]:
    """Automatic (code-less) promotions for a tier at a store (None: any) and channel, now.

    Read from the cache (`core.cached`, moved by every write of a promotion, its tiers or its
    stores): no query at checkout while head office changes no offer. The conditions are those
    of `promotions_current`."""
    if tier_id is None:
        return []
    at = at or timezone.now()
    promotions = cached_under_version(
        version_key=VERSION_KEY, key=_AUTOMATIC_KEY, build=_automatic_promotions
    )
    found = []
    for promotion in promotions:
        stores = {store.pk for store in promotion.stores.all()}
        if (
            promotion.valid_from <= at
            and (promotion.valid_until is None or promotion.valid_until > at)
            and (channel != OfferChannel.ONLINE or promotion.online)
            and (channel != OfferChannel.TILL or promotion.till)
            and tier_id in {tier.pk for tier in promotion.tiers.all()}
            and (store_id is None or not stores or store_id in stores)
        ):
            found.append(promotion)
    return found


def _automatic_promotions() -> list[Promotion]:
    return list(
        Promotion.objects.filter(active=True, code="")
        .prefetch_related("tiers", "stores")
        .order_by("pk")
    )


def promotions_written(**_kwargs: object) -> None:
    """Signal receiver: a promotion, its tiers or its stores changed (see `automatic_for_tier`)."""
    version_move(VERSION_KEY)
