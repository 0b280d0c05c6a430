"""Using coupons and tier offers: check a code, quote a discount, redeem it, give it back.

A redemption is one row of `PromotionRedemption` under the source of the order
("order:<number>") or the till receipt ("receipt:<store>:<number>"), written in the caller's
transaction. `offer_redeem` locks the customer's loyalty account, then the promotion row
(docs/architecture.md, lock order), and counts the uses under that lock: a single-use coupon used
online and at a till at the same moment is honoured once, the other call gets `CouponUsedUp`.
Wrong codes are rate-limited per shopper (or session) and per till token.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from core.templatetags.money import format_money
from stores.models import Store

from ..errors import (
    CouponExpired,
    CouponNotApplicable,
    CouponRateLimited,
    CouponUnknown,
    CouponUsedUp,
    OfferError,
)
from ..models import (
    LoyaltyAccount,
    OfferChannel,
    Promotion,
    PromotionRedemption,
    TillReceipt,
)
from .selectors import automatic_for_tier, offer_discount_for, uses

WRONG_CODE_LIMIT = 10
WRONG_CODE_WINDOW = dt.timedelta(minutes=15)
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,31}$")


@dataclass(frozen=True)
class OfferQuote:
    """What an offer takes off a basket: the promotion and the discount on `basis`."""

    promotion: Promotion
    discount: Decimal
    basis: Decimal

    @property
    def name(self) -> str:
        return self.promotion.name


def code_normalise(raw: object) -> str:
    """A code as typed: spaces around dropped, upper case."""
    return str(raw or "").strip().upper()


def _limit_key(limiter: str) -> str:
    return f"offers:wrong-code:{limiter}"


def _rate_limit_check(limiter: str) -> None:
    if (cache.get(_limit_key(limiter)) or 0) >= WRONG_CODE_LIMIT:
        error = CouponRateLimited(
            _("Too many wrong codes. Please try again in %(minutes)d minutes.")
            % {"minutes": int(WRONG_CODE_WINDOW.total_seconds() // 60)}
        )
        error.retry_at = timezone.now() + WRONG_CODE_WINDOW
        raise error


def _wrong_code(limiter: str) -> None:
    key = _limit_key(limiter)
    cache.add(key, 0, timeout=int(WRONG_CODE_WINDOW.total_seconds()))
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=int(WRONG_CODE_WINDOW.total_seconds()))


def offer_find_code(*, code: str, limiter: str) -> Promotion:
    """The promotion with this code; CouponUnknown (counted against `limiter`: "user:<id>",
    "session:<key>", "token:<id>") or CouponRateLimited after too many wrong codes."""
    _rate_limit_check(limiter)
    normalised = code_normalise(code)
    promotion = (
        Promotion.objects.filter(code=normalised).first() if _CODE.match(normalised) else None
    )
    if promotion is None or not promotion.active:
        _wrong_code(limiter)
        raise CouponUnknown(_("The code “%(code)s” is not valid.") % {"code": normalised[:32]})
    return promotion


def _account_tier_id(customer: User | None) -> int | None:
    if customer is None:
        return None
    return (
        LoyaltyAccount.objects.filter(user=customer, retired_at__isnull=True)
        .values_list("tier_id", flat=True)
        .first()
    )


def _problem(
    promotion: Promotion,
    *,
    customer: User | None,
    tier_id: int | None,
    store: Store | None,
    channel: str,
    basis: Decimal,
    at: dt.datetime,
) -> OfferError | None:
    """Why `promotion` cannot be used here and now, or None (`store` None: not chosen yet)."""
    if promotion.valid_from > at:
        return CouponNotApplicable(
            _("The code “%(code)s” is valid only from %(date)s.")
            % {
                "code": promotion.code,
                "date": date_format(timezone.localtime(promotion.valid_from), "DATE_FORMAT"),
            }
        )
    if promotion.valid_until is not None and promotion.valid_until <= at:
        return CouponExpired(_("The code “%(code)s” has expired.") % {"code": promotion.code})
    if channel == OfferChannel.ONLINE and not promotion.online:
        return CouponNotApplicable(
            _("The code “%(code)s” can only be used in our stores.") % {"code": promotion.code}
        )
    if channel == OfferChannel.TILL and not promotion.till:
        return CouponNotApplicable(
            _("The code “%(code)s” can only be used online.") % {"code": promotion.code}
        )
    store_ids = {s.pk for s in promotion.stores.all()}
    if store_ids and store is not None and store.pk not in store_ids:
        return CouponNotApplicable(
            _("The code “%(code)s” is not valid at %(store)s.")
            % {"code": promotion.code, "store": store.name}
        )
    if customer is None:
        return CouponNotApplicable(
            _("Please sign in (online) or show the loyalty card (in store) to use a code.")
        )
    tier_ids = {t.pk for t in promotion.tiers.all()}
    if tier_ids and tier_id not in tier_ids:
        return CouponNotApplicable(
            _("The code “%(code)s” is for members of the tiers %(tiers)s only.")
            % {"code": promotion.code, "tiers": ", ".join(t.name for t in promotion.tiers.all())}
        )
    if basis < promotion.min_order:
        return CouponNotApplicable(
            _("The code “%(code)s” applies from an order of %(amount)s.")
            % {"code": promotion.code, "amount": format_money(promotion.min_order)}
        )
    return None


def _used_up(promotion: Promotion, customer: User) -> OfferError | None:
    if promotion.total_limit is not None and uses(promotion=promotion) >= promotion.total_limit:
        return CouponUsedUp(
            _("The code “%(code)s” has been used up.") % {"code": promotion.code or promotion.name}
        )
    if uses(promotion=promotion, customer=customer) >= promotion.per_customer_limit:
        return CouponUsedUp(
            _("You have already used the code “%(code)s” as often as it allows.")
            % {"code": promotion.code or promotion.name}
        )
    return None


def _best_automatic(
    *,
    customer: User,
    tier_id: int | None,
    store: Store | None,
    channel: str,
    basis: Decimal,
    at: dt.datetime,
) -> OfferQuote | None:
    best: OfferQuote | None = None
    store_id = store.pk if store is not None else None
    for promotion in automatic_for_tier(tier_id=tier_id, channel=channel, store_id=store_id, at=at):
        if basis < promotion.min_order or _used_up(promotion, customer) is not None:
            continue
        discount = offer_discount_for(promotion=promotion, basis=basis)
        if discount > 0 and (best is None or discount > best.discount):
            best = OfferQuote(promotion=promotion, discount=discount, basis=basis)
    return best


def offer_quote(
    *,
    code: str,
    customer: User | None,
    store: Store | None,
    channel: str,
    basis: Decimal,
    limiter: str,
    at: dt.datetime | None = None,
) -> OfferQuote | None:
    """The offer a basket of `basis` (the goods' total) gets: with a code, that code's (an
    OfferError says why not); without, the customer's best automatic tier offer, or None.

    One offer per order or receipt: a code replaces the automatic offer. Nothing is written
    except the wrong-code counter.
    """
    return _quote(
        code=code,
        customer=customer,
        tier_id=_account_tier_id(customer),
        store=store,
        channel=channel,
        basis=basis,
        limiter=limiter,
        at=at or timezone.now(),
    )


def _quote(
    *,
    code: str,
    customer: User | None,
    tier_id: int | None,
    store: Store | None,
    channel: str,
    basis: Decimal,
    limiter: str,
    at: dt.datetime,
) -> OfferQuote | None:
    """`offer_quote` for a customer whose tier (None: none, or no card) is known already."""
    if code_normalise(code):
        promotion = offer_find_code(code=code, limiter=limiter)
        problem = _problem(
            promotion,
            customer=customer,
            tier_id=tier_id,
            store=store,
            channel=channel,
            basis=basis,
            at=at,
        )
        if problem is None and customer is not None:
            problem = _used_up(promotion, customer)
        if problem is not None:
            raise problem
        return OfferQuote(
            promotion=promotion,
            discount=offer_discount_for(promotion=promotion, basis=basis),
            basis=basis,
        )
    if customer is None:
        return None
    return _best_automatic(
        customer=customer, tier_id=tier_id, store=store, channel=channel, basis=basis, at=at
    )


def offer_redeem(
    *,
    code: str,
    customer: User | None,
    store: Store,
    channel: str,
    basis: Decimal,
    source: str,
    limiter: str,
    order_number: str = "",
    receipt: TillReceipt | None = None,
    at: dt.datetime | None = None,
) -> PromotionRedemption | None:
    """Use the code (or the best automatic offer) on a basket; call inside the transaction that
    writes the order or receipt. Locks the customer's loyalty account, then the promotion, and
    checks every rule and limit under the lock; raises an OfferError (nothing written) or
    returns the redemption (None: no code and no automatic offer)."""
    tier_id = None
    if customer is not None:
        # Lock order: the loyalty account first (as points and store credit do), then the offer.
        # The locking read gives the tier too (a retired card has none).
        locked = (
            LoyaltyAccount.objects.select_for_update()
            .filter(user=customer)
            .values_list("tier_id", "retired_at")
            .first()
        )
        if locked is not None and locked[1] is None:
            tier_id = locked[0]
    quote = _quote(
        code=code,
        customer=customer,
        tier_id=tier_id,
        store=store,
        channel=channel,
        basis=basis,
        limiter=limiter,
        at=at or timezone.now(),
    )
    if quote is None or customer is None:
        return None
    promotion = Promotion.objects.select_for_update().get(pk=quote.promotion.pk)
    problem = _used_up(promotion, customer)
    if problem is not None:
        raise problem
    discount = offer_discount_for(promotion=promotion, basis=basis)
    if discount <= 0:
        return None
    return PromotionRedemption.objects.create(
        promotion=promotion,
        customer=customer,
        channel=channel,
        store=store,
        source=source,
        order_number=order_number,
        receipt=receipt,
        amount_cents=int(discount * 100),
    )


def offer_redemption_release(*, source: str) -> int:
    """The order is off (cancelled, expired): its use of an offer no longer counts. Idempotent."""
    return PromotionRedemption.objects.filter(source=source, released_at__isnull=True).update(
        released_at=timezone.now()
    )


def offer_redemption_shrink(*, source: str, basis: Decimal) -> Decimal | None:
    """The order became smaller (short pick): the discount is worked out again on the new goods'
    total, never more than before. Returns the new discount, or None without a redemption."""
    redemption = (
        PromotionRedemption.objects.select_for_update()
        .select_related("promotion")
        .filter(source=source, released_at__isnull=True)
        .first()
    )
    if redemption is None:
        return None
    discount = min(
        offer_discount_for(promotion=redemption.promotion, basis=basis), redemption.amount
    )
    cents = int(discount * 100)
    if cents != redemption.amount_cents:
        redemption.amount_cents = cents
        redemption.save(update_fields=["amount_cents"])
    return discount
