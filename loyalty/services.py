"""Every write to loyalty accounts and the points ledger.

Each function runs in one transaction and locks the account row (`select_for_update`) before it
reads the balance, so concurrent writes for one account run one after the other and the balance
(the sum of the ledger) can never go below zero. Entries are unique per (source, kind): calling a
function again for the same event returns what the first call did and changes nothing.

Entry points for other apps (shop calls them on checkout, collect, cancel, expiry; returns on a
return): `loyalty_account_open`, `points_earn`, `points_redeem`, `points_redeem_reverse`,
`points_redeem_reduce`, `points_take_back`, `points_value` (from `loyalty.rules`, re-exported here), and the read
`loyalty.selectors.points_redeemable`. Desk and till: `card_lookup`, `store_purchase_record`.
"""

import datetime as dt
import logging
import uuid
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.types import AnyUser
from core.templatetags.money import format_money
from core.texts import StoredText, text_fields
from stores.models import StaffRole, Store, StoreApiToken
from stores.selectors import is_store_staff, staff_stores

from .ean import card_number_generate, normalise
from .errors import (
    CardNumberError,
    InsufficientPoints,
    LookupRateLimited,
    LoyaltyError,
    NotAllowed,
    ReceiptConflict,
    RedemptionTooLarge,
    SourceConflict,
)
from .models import (
    CardLookup,
    Channel,
    EntryKind,
    LookupPurpose,
    LoyaltyAccount,
    PointsEntry,
    Tier,
    TierChange,
)
from .notifications import notify_tier_changed
from .rules import CENT, points_value, redeemable_max_points, redeemable_max_value
from .selectors import (
    account_balance,
    account_by_card_number,
    account_by_customer,
    account_spend_12m,
    spend_window_start,
    tier_for_spend,
)
from .texts import POINTS_TEXTS
from .webhooks import points_entry_webhook

logger = logging.getLogger(__name__)

MAX_PURCHASE = Decimal("100000.00")  # anything above is a typo, not a purchase
MAX_ADJUSTMENT = 1_000_000
LOOKUP_LIMIT = 30
LOOKUP_WINDOW = dt.timedelta(minutes=10)
# A till books purchases on cards it scans; numbers that find no card are limited per token, so a
# token cannot be used to test card numbers.
TILL_UNKNOWN_CARD_LIMIT = 20
TILL_UNKNOWN_CARD_WINDOW = dt.timedelta(minutes=10)
RECEIPT_MAX_LENGTH = 40
# A partial give-back of a redemption is booked under "<source>#<part>".
PART_SEPARATOR = "#"


# -- helpers -------------------------------------------------------------------------------------


def _money(value: object, *, allow_zero: bool) -> Decimal:
    """A euro amount from what a form, the API or a caller gave (Decimal, int or text)."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise LoyaltyError(_("The amount must be a number, e.g. 24.99.")) from None
    if not amount.is_finite():
        raise LoyaltyError(_("The amount must be a number, e.g. 24.99."))
    if amount < 0 or (amount == 0 and not allow_zero):
        raise LoyaltyError(_("The amount must be more than 0 €."))
    if amount > MAX_PURCHASE:
        raise LoyaltyError(
            _("The amount must not be more than %(max)s.") % {"max": format_money(MAX_PURCHASE)}
        )
    if amount != amount.quantize(CENT):
        raise LoyaltyError(_("The amount has at most two decimal places."))
    return amount.quantize(CENT)


def _whole_points(points: object, *, allow_negative: bool = False) -> int:
    if isinstance(points, bool) or not isinstance(points, int):
        raise LoyaltyError(_("Points are whole numbers."))
    if points == 0 or (points < 0 and not allow_negative):
        raise LoyaltyError(_("The number of points must be more than 0."))
    return points


def _source(source: str) -> str:
    source = (source or "").strip()
    if not source or len(source) > 120:
        raise LoyaltyError(_("Every points entry needs a source of at most 120 characters."))
    return source


def _lock(account_id: int) -> LoyaltyAccount:
    return (
        LoyaltyAccount.objects.select_for_update(of=("self",))
        .select_related("tier")
        .get(pk=account_id)
    )


def _create_entry(**fields: Any) -> PointsEntry:
    """Insert a ledger row; a concurrent insert of the same (source, kind) becomes SourceConflict."""
    description = fields.pop("description", "")
    fields.update(text_fields(PointsEntry, description, field="description"))
    try:
        with transaction.atomic():
            entry = PointsEntry.objects.create(**fields)
            points_entry_webhook(entry)
            return entry
    except IntegrityError:
        raise SourceConflict(
            _("“%(source)s” was already booked.") % {"source": fields["source"]}
        ) from None


# -- accounts ------------------------------------------------------------------------------------


def loyalty_account_open(*, user: User) -> LoyaltyAccount:
    """The user's loyalty account, created with a fresh card number if there is none yet.

    Idempotent and safe under concurrency: a clash on the card number draws a new one, a clash
    on the user returns the account the other transaction created.
    """
    account = LoyaltyAccount.objects.select_related("tier").filter(user=user).first()
    if account is not None:
        return account
    for _attempt in range(10):
        try:
            with transaction.atomic():
                return LoyaltyAccount.objects.create(
                    user=user,
                    card_number=card_number_generate(),
                    tier=tier_for_spend(Decimal(0)),
                )
        except IntegrityError:
            account = LoyaltyAccount.objects.select_related("tier").filter(user=user).first()
            if account is not None:
                return account
    raise LoyaltyError(_("No free card number could be found; please try again."))


# -- tiers ---------------------------------------------------------------------------------------


def _tier_refresh(account: LoyaltyAccount, now: dt.datetime | None = None) -> TierChange | None:
    """Put a locked account into the tier its last twelve months' spend earns."""
    spend = account_spend_12m(account, now)
    target = tier_for_spend(spend)
    target_id = target.pk if target else None
    if target_id == account.tier_id:
        return None
    change = TierChange.objects.create(
        account=account, from_tier_id=account.tier_id, to_tier=target, spend_12m=spend
    )
    account.tier = target
    account.save(update_fields=["tier"])
    notify_tier_changed(change)  # into the outbox, in this transaction; stamps notified_at
    return change


def tiers_recompute(*, now: dt.datetime | None = None) -> int:
    """Move every account whose tier no longer matches its spend; returns how many moved.

    Set-based: one query per tier band finds the accounts in the wrong tier (spend computed in the
    database); only those are locked and changed. Running it twice changes nothing the second time.
    """
    now = now or timezone.now()
    money = DecimalField(max_digits=12, decimal_places=2)
    window = (
        PointsEntry.objects.filter(account=OuterRef("pk"), occurred_at__gt=spend_window_start(now))
        .order_by()
        .values("account")
    )

    def total(kind: str) -> Coalesce:
        return Coalesce(
            Subquery(window.filter(kind=kind).annotate(s=Sum("amount")).values("s")),
            Value(Decimal(0)),
            output_field=money,
        )

    accounts = LoyaltyAccount.objects.annotate(
        spend=total(EntryKind.EARN) - total(EntryKind.RETURN_TAKEBACK)
    )
    tiers = list(Tier.objects.order_by("min_spend_12m"))
    # (tier, lowest spend, spend it stays below); below the lowest threshold an account has none.
    bands: list[tuple[Tier | None, Decimal | None, Decimal | None]] = [
        (None, None, tiers[0].min_spend_12m if tiers else None)
    ]
    bands += [
        (tier, tier.min_spend_12m, higher.min_spend_12m if higher else None)
        for tier, higher in zip(tiers, [*tiers[1:], None], strict=True)
    ]
    misplaced: set[int] = set()
    for tier, low, high in bands:
        band = accounts
        if low is not None:
            band = band.filter(spend__gte=low)
        if high is not None:
            band = band.filter(spend__lt=high)
        band = band.exclude(tier__isnull=True) if tier is None else band.exclude(tier=tier)
        misplaced.update(band.values_list("pk", flat=True))
    changed = 0
    for account_id in sorted(misplaced):
        with transaction.atomic():
            if _tier_refresh(_lock(account_id), now) is not None:
                changed += 1
    return changed


# -- earning -------------------------------------------------------------------------------------


def _earn(
    *,
    account: LoyaltyAccount,
    amount: Decimal,
    source: str,
    store: Store | None,
    channel: str,
    occurred_at: dt.datetime | None,
    description: str | StoredText,
    actor: User | None,
) -> tuple[PointsEntry, bool]:
    """Book a purchase on a locked account; (entry, created)."""
    existing = PointsEntry.objects.filter(source=source, kind=EntryKind.EARN).first()
    if existing is not None:
        if existing.account_id != account.pk:
            raise SourceConflict(
                _("“%(source)s” was already booked on another card.") % {"source": source}
            )
        if existing.amount != amount:
            raise SourceConflict(
                _("“%(source)s” was booked before with %(amount)s; it cannot change.")
                % {"source": source, "amount": format_money(existing.amount)}
            )
        return existing, False
    multiplier = account.tier.multiplier if account.tier else Decimal(1)
    full_euros = amount.to_integral_value(rounding=ROUND_FLOOR)
    points = int((full_euros * multiplier).to_integral_value(rounding=ROUND_FLOOR))
    entry = _create_entry(
        account=account,
        kind=EntryKind.EARN,
        points=points,
        source=source,
        amount=amount,
        store=store,
        channel=channel,
        description=description,
        actor=actor,
        occurred_at=occurred_at or timezone.now(),
    )
    _tier_refresh(account)
    return entry, True


def points_earn(
    *,
    user: User,
    amount: Decimal,
    source: str,
    store: Store | None = None,
    channel: str,
    occurred_at: dt.datetime | None = None,
    description: str | StoredText = "",
    actor: User | None = None,
) -> PointsEntry | None:
    """Points for a purchase: 1 per full euro × the tier's multiplier, then the tier is recomputed.

    The multiplier is the one of the tier the customer had when buying. A repeat with the same
    source returns the first entry unchanged; the same source with another amount is refused
    (SourceConflict). An amount of 0 € earns nothing and returns None.
    """
    amount = _money(amount, allow_zero=True)
    source = _source(source)
    if channel not in Channel.values:
        raise LoyaltyError(_("Unknown channel."))
    if amount == 0:
        return None
    with transaction.atomic():
        account = _lock(loyalty_account_open(user=user).pk)
        entry, _created = _earn(
            account=account,
            amount=amount,
            source=source,
            store=store,
            channel=channel,
            occurred_at=occurred_at,
            description=description,
            actor=actor,
        )
        return entry


def _receipt_number(raw: str) -> str:
    receipt = (raw or "").strip()
    if not receipt:
        raise LoyaltyError(_("Enter the receipt number."))
    if len(receipt) > RECEIPT_MAX_LENGTH or not all(c.isalnum() or c in "-_/." for c in receipt):
        raise LoyaltyError(
            _("A receipt number has at most 40 letters, digits, “-”, “_”, “/” or “.”.")
        )
    return receipt


def store_purchase_record(
    *,
    account: LoyaltyAccount,
    store: Store,
    amount: Decimal | int | str,
    receipt_number: str,
    actor: User | None = None,
    occurred_at: dt.datetime | None = None,
) -> tuple[PointsEntry, bool]:
    """An in-store purchase (desk or till): points for the receipt, once per receipt and store.

    Returns (entry, created). The same receipt again with the same amount returns the first entry;
    with another amount (or on another card) it raises ReceiptConflict.
    """
    amount = _money(amount, allow_zero=False)
    receipt = _receipt_number(receipt_number)
    try:
        with transaction.atomic():
            locked = _lock(account.pk)
            return _earn(
                account=locked,
                amount=amount,
                source=f"receipt:{store.pk}:{receipt}",
                store=store,
                channel=Channel.STORE,
                occurred_at=occurred_at,
                description=POINTS_TEXTS.make("receipt", number=receipt),
                actor=actor,
            )
    except SourceConflict as error:
        raise ReceiptConflict(str(error)) from None


# -- redeeming -----------------------------------------------------------------------------------


def points_redeem(
    *,
    user: User,
    points: int,
    source: str,
    order_total: Decimal,
    store: Store | None = None,
    channel: str = Channel.ONLINE,
) -> Decimal:
    """Use points on an order; returns the discount in € (100 points = 1 €, at most half the total).

    Refused (InsufficientPoints, RedemptionTooLarge) when the balance or the order is too small.
    The same source again with the same points returns the same discount and takes nothing more.
    """
    points = _whole_points(points)
    source = _source(source)
    order_total = _money(order_total, allow_zero=False)
    discount = points_value(points)
    if points > redeemable_max_points(order_total):
        raise RedemptionTooLarge(
            _("Points can pay at most half of the order: up to %(most)s (%(points)d points).")
            % {
                "most": format_money(redeemable_max_value(order_total)),
                "points": redeemable_max_points(order_total),
            }
        )
    with transaction.atomic():
        account = _lock(loyalty_account_open(user=user).pk)
        existing = PointsEntry.objects.filter(source=source, kind=EntryKind.REDEEM).first()
        if existing is not None:
            if existing.account_id != account.pk or existing.points != -points:
                raise SourceConflict(
                    _("Points were already used for “%(source)s”.") % {"source": source}
                )
            return discount
        balance = account_balance(account)
        if points > balance:
            raise InsufficientPoints(
                _("You have %(balance)d points; %(points)d cannot be used.")
                % {"balance": balance, "points": points}
            )
        _create_entry(
            account=account,
            kind=EntryKind.REDEEM,
            points=-points,
            source=source,
            amount=discount,
            store=store,
            channel=channel,
            description=POINTS_TEXTS.make("redeemed", value=discount),
            occurred_at=timezone.now(),
        )
    return discount


def till_points_redeem(
    *,
    account: LoyaltyAccount,
    store: Store,
    points: int,
    receipt_total: Decimal,
    receipt_number: str,
    actor: User,
) -> Decimal:
    """Points used at a store's till against one receipt; returns the discount in €.

    The same rules as online (`points_redeem`): at most half the receipt, never more than the
    balance, and the same receipt again with the same points takes nothing more.
    """
    if not is_store_staff(user=actor, store=store):
        raise NotAllowed(_("You do not work in this store."))
    receipt = _receipt_number(receipt_number)
    return points_redeem(
        user=account.user,
        points=points,
        source=f"till:{store.code}:{receipt}",
        order_total=receipt_total,
        store=store,
        channel=Channel.STORE,
    )


def _given_back(source: str) -> int:
    """Points of the redemption `source` already given back in part (see points_redeem_reduce)."""
    return PointsEntry.objects.filter(
        kind=EntryKind.REDEEM_REVERSAL, source__startswith=f"{source}{PART_SEPARATOR}"
    ).aggregate(total=Coalesce(Sum("points"), 0))["total"]


def points_redeem_reverse(*, source: str) -> PointsEntry | None:
    """Give back the points used for `source` (order cancelled or expired). Idempotent.

    Gives back what is still redeemed, i.e. minus what `points_redeem_reduce` gave back before.
    Returns the reversal entry, or None when nothing (or nothing more) was redeemed for it.
    """
    source = _source(source)
    with transaction.atomic():
        redeemed = PointsEntry.objects.filter(source=source, kind=EntryKind.REDEEM).first()
        if redeemed is None:
            return None
        _lock(redeemed.account_id)
        existing = PointsEntry.objects.filter(source=source, kind=EntryKind.REDEEM_REVERSAL).first()
        if existing is not None:
            return existing
        left = -redeemed.points - _given_back(source)
        if left <= 0:
            return None
        return _create_entry(
            account_id=redeemed.account_id,
            kind=EntryKind.REDEEM_REVERSAL,
            points=left,
            source=source,
            amount=points_value(left),
            store=redeemed.store,
            channel=redeemed.channel,
            description=POINTS_TEXTS.make("given_back"),
            occurred_at=timezone.now(),
        )


def points_redeem_reduce(*, source: str, part: str, points: int) -> PointsEntry:
    """Give back `points` of the redemption `source` because the order became smaller.

    Booked as a reversal under "<source>#<part>" (e.g. the short pick's event id), so each
    reduction counts once; a later `points_redeem_reverse(source)` gives back only the rest.
    """
    points = _whole_points(points)
    source = _source(source)
    part_source = _source(f"{source}{PART_SEPARATOR}{part}")
    with transaction.atomic():
        redeemed = PointsEntry.objects.filter(source=source, kind=EntryKind.REDEEM).first()
        if redeemed is None:
            raise LoyaltyError(_("No points were used for “%(source)s”.") % {"source": source})
        _lock(redeemed.account_id)
        existing = PointsEntry.objects.filter(
            source=part_source, kind=EntryKind.REDEEM_REVERSAL
        ).first()
        if existing is not None:
            return existing
        if PointsEntry.objects.filter(source=source, kind=EntryKind.REDEEM_REVERSAL).exists():
            raise LoyaltyError(
                _("The points for “%(source)s” were given back already.") % {"source": source}
            )
        if points > -redeemed.points - _given_back(source):
            raise LoyaltyError(
                _("More points cannot be given back than were used for “%(source)s”.")
                % {"source": source}
            )
        return _create_entry(
            account_id=redeemed.account_id,
            kind=EntryKind.REDEEM_REVERSAL,
            points=points,
            source=part_source,
            amount=points_value(points),
            store=redeemed.store,
            channel=redeemed.channel,
            description=POINTS_TEXTS.make("given_back_smaller"),
            occurred_at=timezone.now(),
        )


# -- returns -------------------------------------------------------------------------------------


def points_take_back(
    *,
    user: User,
    points: int,
    source: str,
    amount: Decimal | None = None,
    store: Store | None = None,
    channel: str | None = None,
) -> int:
    """Take back points earned on returned goods, never below a balance of zero.

    Returns the points that could NOT be taken back (already spent), so the caller can deduct
    their value (`points_value`) from the refund. `amount` (the refunded €) lowers the
    12-month spend for the tier. Idempotent by source: a repeat takes nothing more and returns
    the same shortfall.
    """
    points = _whole_points(points)
    source = _source(source)
    if amount is not None:
        amount = _money(amount, allow_zero=True)
    channel = channel or (Channel.STORE if store else Channel.SYSTEM)
    with transaction.atomic():
        account = _lock(loyalty_account_open(user=user).pk)
        existing = PointsEntry.objects.filter(source=source, kind=EntryKind.RETURN_TAKEBACK).first()
        if existing is not None:
            if existing.account_id != account.pk:
                raise SourceConflict(_("“%(source)s” was already booked.") % {"source": source})
            return max(points + existing.points, 0)
        taken = min(points, max(account_balance(account), 0))
        _create_entry(
            account=account,
            kind=EntryKind.RETURN_TAKEBACK,
            points=-taken,
            source=source,
            amount=amount,
            store=store,
            channel=channel,
            description=POINTS_TEXTS.make("return"),
            occurred_at=timezone.now(),
        )
        if amount:
            _tier_refresh(account)
        return points - taken


# -- manual adjustment ---------------------------------------------------------------------------


def may_adjust_points(*, actor: AnyUser | None) -> bool:
    """Managers (a store manager, or someone given the permission) may adjust points."""
    if actor is None or not actor.is_active or not actor.is_staff:
        return False
    return (
        actor.has_perm("loyalty.adjust_points")
        or staff_stores(user=actor, role=StaffRole.MANAGER).exists()
    )


def points_adjust(*, account: LoyaltyAccount, points: int, reason: str, actor: User) -> PointsEntry:
    """A manual correction by a manager, with a reason; it cannot take the balance below zero."""
    points = _whole_points(points, allow_negative=True)
    reason = (reason or "").strip()
    if not reason:
        raise LoyaltyError(_("Give a reason for the adjustment."))
    if abs(points) > MAX_ADJUSTMENT:
        raise LoyaltyError(_("An adjustment is at most %(max)d points.") % {"max": MAX_ADJUSTMENT})
    if not may_adjust_points(actor=actor):
        raise NotAllowed(_("Only managers may adjust points."))
    with transaction.atomic():
        locked = _lock(account.pk)
        balance = account_balance(locked)
        if balance + points < 0:
            raise InsufficientPoints(
                _("The balance is %(balance)d points; it cannot go below zero.")
                % {"balance": balance}
            )
        return _create_entry(
            account=locked,
            kind=EntryKind.ADJUSTMENT,
            points=points,
            source=f"adjustment:{uuid.uuid4()}",
            channel=Channel.SYSTEM,
            description=reason[:255],
            actor=actor,
            occurred_at=timezone.now(),
        )


# -- staff card lookup ---------------------------------------------------------------------------


def _staff_lookup_allowed(staff: User) -> None:
    """The one per-person limit of card lookups (desk and admin): LOOKUP_LIMIT per LOOKUP_WINDOW,
    counted in CardLookup rows."""
    recent = CardLookup.objects.filter(
        staff=staff, created_at__gte=timezone.now() - LOOKUP_WINDOW
    ).count()
    if recent >= LOOKUP_LIMIT:
        logger.warning("Card lookups refused for user %s: rate limit", staff.pk)
        raise LookupRateLimited(
            _("Too many card lookups; please wait a few minutes and try again.")
        )


def _found_or_error(typed: str) -> LoyaltyAccount | CardNumberError:
    try:
        return account_by_card_number(typed)
    except CardNumberError as error:
        return error


def card_lookup(
    *, staff: User, store: Store, card_number: str, purpose: str = LookupPurpose.LOOKUP
) -> LoyaltyAccount:
    """Find a card for a staff member of `store`: rate-limited per person and logged.

    `card_number` may also be the customer's e-mail address or phone number
    (`selectors.account_by_customer`). Every attempt, found or not, writes a CardLookup row; they are also the rate limit's counter
    (LOOKUP_LIMIT per LOOKUP_WINDOW). Raises CardNumberError/UnknownCard for a bad number.
    """
    if not is_store_staff(user=staff, store=store):
        raise NotAllowed(_("You do not work in this store."))
    typed = normalise(card_number)[:32]
    with transaction.atomic():
        _staff_lookup_allowed(staff)
        found: LoyaltyAccount | CardNumberError
        try:
            found = account_by_customer(card_number)
        except CardNumberError as error:
            found = error
        CardLookup.objects.create(
            staff=staff,
            store=store,
            card_number=typed,
            account=found if isinstance(found, LoyaltyAccount) else None,
            purpose=purpose,
        )
    if isinstance(found, CardNumberError):
        raise found
    return found


def account_search_by_staff(*, staff: User, query: str) -> LoyaltyAccount | None:
    """The admin's search over loyalty accounts for staff who are not superusers: one exact card
    number or e-mail address finds one account, nothing else finds anything (no browsing the
    chain's shoppers). Limited and logged with the desk's lookups (the same per-person limit);
    raises LookupRateLimited."""
    query = (query or "").strip()
    if not query:
        return None
    with transaction.atomic():
        _staff_lookup_allowed(staff)
        if "@" in query:
            found: LoyaltyAccount | None = LoyaltyAccount.objects.filter(
                user__email__iexact=query
            ).first()
        else:
            result = _found_or_error(normalise(query)[:32])
            found = result if isinstance(result, LoyaltyAccount) else None
        CardLookup.objects.create(
            staff=staff,
            store=staff_stores(user=staff).order_by("pk").first(),
            card_number=query[:254],
            account=found,
            purpose=LookupPurpose.ADMIN,
        )
    return found


def till_card_lookup(*, token: StoreApiToken, card_number: str) -> LoyaltyAccount:
    """The card a till scanned, for its store token: logged, and numbers that find no card are
    limited per token (TILL_UNKNOWN_CARD_LIMIT per TILL_UNKNOWN_CARD_WINDOW; then every lookup
    of the token is refused with 429 until the window has passed). Raises CardNumberError,
    UnknownCard or LookupRateLimited."""
    typed = normalise(card_number)[:32]
    with transaction.atomic():
        failed = list(
            CardLookup.objects.filter(
                token=token,
                account__isnull=True,
                created_at__gte=timezone.now() - TILL_UNKNOWN_CARD_WINDOW,
            )
            .order_by("-created_at")
            .values_list("created_at", flat=True)[:TILL_UNKNOWN_CARD_LIMIT]
        )
        if len(failed) >= TILL_UNKNOWN_CARD_LIMIT:
            logger.warning("Card lookups refused for till token %s: rate limit", token.pk)
            raise LookupRateLimited(
                _("Too many card numbers that match no card; please wait a few minutes."),
                retry_at=failed[-1] + TILL_UNKNOWN_CARD_WINDOW,
            )
        found = _found_or_error(typed)
        CardLookup.objects.create(
            token=token,
            store_id=token.store_id,
            card_number=typed,
            account=found if isinstance(found, LoyaltyAccount) else None,
            purpose=LookupPurpose.TILL,
        )
    if isinstance(found, CardNumberError):
        raise found
    return found
