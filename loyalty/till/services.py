"""Booking a till receipt with its lines (`till_receipt_book`).

One call, one transaction: the lines become stock movements at the store (through inventory's
`stock_deltas_apply`, the one stock truth; a returned item restocks), a scanned card earns points
on the total (or gives them back for a refund), and the receipt with its lines is stored for the
customer's cross-channel history. A receipt that is wrong anywhere is refused whole with every
reason (`ReceiptRefused`) and nothing is booked. Idempotent by (store, receipt number): the same
receipt again returns the first booking; another receipt under that number is a `ReceiptConflict`.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.templatetags.money import format_money
from inventory.models import MovementKind
from inventory.services import Delta, stock_deltas_apply
from shop.catalogue.models import Variant
from stores.models import Store

from ..errors import OfferError, ReceiptConflict, ReceiptProblem, ReceiptRefused
from ..models import (
    Channel,
    EntryKind,
    LoyaltyAccount,
    OfferChannel,
    PointsEntry,
    TillReceipt,
    TillReceiptLine,
)
from ..offers.services import code_normalise, offer_quote, offer_redeem
from ..rules import CENT
from ..selectors import account_balance
from ..services import (
    MAX_PURCHASE,
    _create_entry,
    _earn,
    _lock,
    _receipt_number,
    _tier_refresh,
)
from ..texts import POINTS_TEXTS

MAX_LINES = 200
MAX_LINE_QUANTITY = 10_000
# How far from now a till's clock may be: a receipt booked late after an outage, not a typo.
MAX_CLOCK_BEHIND = dt.timedelta(days=30)
MAX_CLOCK_AHEAD = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class ReceiptLineIn:
    """A line as the till sends it: the article by SKU or EAN, a negative quantity for a return."""

    quantity: int
    unit_price: Decimal
    sku: str = ""
    ean: str = ""
    discount: Decimal = Decimal(0)
    returned: bool = False


@dataclass(frozen=True)
class _Checked:
    variant: Variant
    quantity: int
    unit_price: Decimal
    discount: Decimal
    amount: Decimal


def _amount(value: object) -> Decimal | None:
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        return None
    return amount.quantize(CENT)


def _check_lines(lines: Sequence[ReceiptLineIn]) -> tuple[list[_Checked], list[ReceiptProblem]]:
    """Every line checked, the articles found in one query; (checked lines, problems)."""
    problems: list[ReceiptProblem] = []
    if not lines:
        return [], [ReceiptProblem(None, "lines", _("A receipt needs at least one line."))]
    if len(lines) > MAX_LINES:
        reason = _("A receipt has at most %(max)d lines.") % {"max": MAX_LINES}
        return [], [ReceiptProblem(None, "lines", reason)]
    skus = {line.sku.strip() for line in lines if line.sku.strip()}
    eans = {line.ean.strip() for line in lines if line.ean.strip()}
    variants = Variant.objects.select_related("product").filter(Q(sku__in=skus) | Q(ean__in=eans))
    by_sku = {v.sku: v for v in variants}
    by_ean = {v.ean: v for v in by_sku.values() if v.ean}
    checked: list[_Checked] = []
    for index, line in enumerate(lines):
        sku, ean = line.sku.strip(), line.ean.strip()
        variant: Variant | None = None
        if bool(sku) == bool(ean):
            problems.append(ReceiptProblem(index, "sku", _("Give either the SKU or the EAN.")))
        elif sku:
            variant = by_sku.get(sku)
            if variant is None:
                reason = _("No article has the SKU “%(sku)s”.") % {"sku": sku}
                problems.append(ReceiptProblem(index, "sku", reason))
        else:
            variant = by_ean.get(ean)
            if variant is None:
                reason = _("No article has the EAN “%(ean)s”.") % {"ean": ean}
                problems.append(ReceiptProblem(index, "ean", reason))
        quantity = line.quantity
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity == 0:
            reason = _("The quantity is a whole number other than 0.")
            problems.append(ReceiptProblem(index, "quantity", reason))
            continue
        if abs(quantity) > MAX_LINE_QUANTITY:
            reason = _("A line has at most %(max)d units.") % {"max": MAX_LINE_QUANTITY}
            problems.append(ReceiptProblem(index, "quantity", reason))
        if quantity < 0 and not line.returned:
            reason = _(
                "A negative quantity is only allowed for a returned item (“returned”: true)."
            )
            problems.append(ReceiptProblem(index, "quantity", reason))
        if quantity > 0 and line.returned:
            reason = _("A returned item has a negative quantity.")
            problems.append(ReceiptProblem(index, "quantity", reason))
        price, discount = _amount(line.unit_price), _amount(line.discount)
        if price is None or price < 0 or price > MAX_PURCHASE:
            reason = _("The unit price is an amount in € from 0, with at most two decimals.")
            problems.append(ReceiptProblem(index, "unit_price", reason))
            continue
        gross = abs(quantity) * price
        if discount is None or discount < 0 or discount > gross:
            reason = _("The discount is an amount in € from 0 up to the line's price.")
            problems.append(ReceiptProblem(index, "discount", reason))
            continue
        amount = gross - discount
        if variant is not None:
            checked.append(
                _Checked(
                    variant=variant,
                    quantity=quantity,
                    unit_price=price,
                    discount=discount,
                    amount=amount if quantity > 0 else -amount,
                )
            )
    return checked, problems


def _fingerprint(
    *, account: LoyaltyAccount | None, total: Decimal, lines: Sequence[_Checked], coupon: str = ""
) -> str:
    canonical: dict[str, object] = {
        "card": account.card_number if account else "",
        "total": str(total),
        "lines": [[c.variant.pk, c.quantity, str(c.unit_price), str(c.discount)] for c in lines],
    }
    if coupon:  # receipts without a coupon keep the fingerprint they always had
        canonical["coupon"] = coupon
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def _existing(*, store: Store, number: str, fingerprint: str) -> TillReceipt | None:
    receipt = TillReceipt.objects.filter(store=store, number=number).first()
    if receipt is not None and receipt.fingerprint != fingerprint:
        raise ReceiptConflict(
            _("Receipt %(number)s was booked before with other lines, total or card.")
            % {"number": number}
        )
    return receipt


def _points_for(account: LoyaltyAccount, amount: Decimal) -> int:
    multiplier = account.tier.multiplier if account.tier else Decimal(1)
    full_euros = amount.to_integral_value(rounding=ROUND_FLOOR)
    return int((full_euros * multiplier).to_integral_value(rounding=ROUND_FLOOR))


def _points_book(
    *, account: LoyaltyAccount, store: Store, number: str, total: Decimal, at: dt.datetime
) -> PointsEntry | None:
    """Points earned on a sale, or taken back (never below zero) on a refund receipt."""
    source = f"receipt:{store.pk}:{number}"
    description = POINTS_TEXTS.make("receipt", number=number)
    if total > 0:
        entry, _created = _earn(
            account=account,
            amount=total,
            source=source,
            store=store,
            channel=Channel.STORE,
            occurred_at=at,
            description=description,
            actor=None,
        )
        return entry
    if total < 0:
        taken = min(_points_for(account, -total), max(account_balance(account), 0))
        entry = _create_entry(
            account=account,
            kind=EntryKind.RETURN_TAKEBACK,
            points=-taken,
            source=source,
            amount=-total,
            store=store,
            channel=Channel.STORE,
            description=description,
            occurred_at=at,
        )
        _tier_refresh(account)
        return entry
    return None


def till_receipt_book(
    *,
    store: Store,
    number: str,
    total: Decimal | int | str,
    lines: Sequence[ReceiptLineIn],
    account: LoyaltyAccount | None = None,
    occurred_at: dt.datetime | None = None,
    coupon: str = "",
    limiter: str = "",
) -> tuple[TillReceipt, bool]:
    """Book a till receipt with its lines; returns (receipt, created).

    Refused whole (ReceiptRefused, every reason listed) for an unknown SKU or EAN, a negative
    quantity on a line that is not a returned item, a bad price or discount, or lines that do not
    add up to `total`. The same receipt again returns the first booking (created False).

    Offers (docs/offers.md): with a `coupon` code, or without one the card's best automatic tier
    offer for the till, the discount comes off the sale: `total` is then the lines less that
    discount (the refusal names it). A coupon needs a card and a receipt without returned items;
    one that cannot be used refuses the whole receipt with its OfferError (400, 409 when used up,
    429 after too many wrong codes, counted against `limiter`). The use is counted once across
    channels (`offer_redeem` locks the promotion).
    """
    number = _receipt_number(number)
    coupon = code_normalise(coupon)
    checked, problems = _check_lines(lines)
    paid = _amount(total)
    now = timezone.now()
    at = occurred_at or now
    if paid is None or abs(paid) > MAX_PURCHASE:
        reason = _("The total is an amount in €, with at most two decimals.")
        problems.append(ReceiptProblem(None, "total", reason))
    if coupon and account is None:
        reason = _("A coupon needs the customer's loyalty card.")
        problems.append(ReceiptProblem(None, "coupon", reason))
    if coupon and any(c.quantity < 0 for c in checked):
        reason = _("A coupon applies to a sale without returned items.")
        problems.append(ReceiptProblem(None, "coupon", reason))
    if at > now + MAX_CLOCK_AHEAD or at < now - MAX_CLOCK_BEHIND:
        reason = _("The time of the purchase must lie within the last 30 days, not in the future.")
        problems.append(ReceiptProblem(None, "occurred_at", reason))
    if problems or paid is None:
        raise ReceiptRefused(problems)
    fingerprint = _fingerprint(account=account, total=paid, lines=checked, coupon=coupon)
    existing = _existing(store=store, number=number, fingerprint=fingerprint)
    if existing is not None:
        return existing, False
    lines_sum = sum((c.amount for c in checked), Decimal(0))
    limiter = limiter or f"store:{store.pk}"
    customer = account.user if account is not None else None
    sale = customer is not None and lines_sum > 0 and all(c.quantity > 0 for c in checked)
    quote = (
        offer_quote(
            code=coupon,
            customer=customer,
            store=store,
            channel=OfferChannel.TILL,
            basis=lines_sum,
            limiter=limiter,
            at=at,
        )
        if sale
        else None
    )
    discount = quote.discount if quote is not None else Decimal("0.00")
    if lines_sum - discount != paid:
        if discount:
            reason = _(
                "With the offer “%(offer)s” (%(discount)s off) the receipt comes to %(due)s, "
                "not to the total of %(total)s."
            ) % {
                "offer": quote.name if quote else "",
                "discount": format_money(discount),
                "due": format_money(lines_sum - discount),
                "total": format_money(paid),
            }
        else:
            reason = _("The lines add up to %(sum)s, not to the total of %(total)s.") % {
                "sum": format_money(lines_sum),
                "total": format_money(paid),
            }
        raise ReceiptRefused([ReceiptProblem(None, "total", reason)])
    try:
        with transaction.atomic():
            # Lock order: the account first, then the stock rows (docs/architecture.md).
            locked = _lock(account.pk) if account is not None else None
            # The offer before the points: earning them may move the card to another tier.
            redemption = None
            if quote is not None:
                redemption = offer_redeem(
                    code=coupon,
                    customer=customer,
                    store=store,
                    channel=OfferChannel.TILL,
                    basis=lines_sum,
                    limiter=limiter,
                    at=at,
                    source=f"receipt:{store.pk}:{number}",
                )
                if redemption is None or redemption.amount != discount:
                    # The offer changed between the quote and the lock (edited, ended).
                    raise ReceiptConflict(
                        _("The offer changed while the receipt was booked; please send it again.")
                    )
            entry = (
                _points_book(account=locked, store=store, number=number, total=paid, at=at)
                if locked is not None
                else None
            )
            receipt = TillReceipt.objects.create(
                store=store,
                number=number,
                account=locked,
                points_entry=entry,
                total=paid,
                offer_discount=discount,
                fingerprint=fingerprint,
                occurred_at=at,
            )
            if redemption is not None:
                redemption.receipt = receipt
                redemption.save(update_fields=["receipt"])
            TillReceiptLine.objects.bulk_create(
                TillReceiptLine(
                    receipt=receipt,
                    position=position,
                    variant=c.variant,
                    quantity=c.quantity,
                    unit_price=c.unit_price,
                    discount=c.discount,
                    amount=c.amount,
                )
                for position, c in enumerate(checked, start=1)
            )
            reference = f"till:{store.code}:{number}"[:64]
            stock_deltas_apply(
                store_id=store.pk,
                deltas=[
                    Delta(
                        variant_id=c.variant.pk,
                        quantity=-c.quantity,
                        kind=MovementKind.SALE if c.quantity > 0 else MovementKind.RETURN_RESTOCK,
                        external_id=f"receipt:{number}:{position}",
                        reference=reference,
                        occurred_at=at,
                    )
                    for position, c in enumerate(checked, start=1)
                ],
            )
    except OfferError:
        raise
    except IntegrityError:
        # The same number booked at the same moment by a second request: answer as a repeat.
        existing = _existing(store=store, number=number, fingerprint=fingerprint)
        if existing is None:
            raise
        return existing, False
    return receipt, True
