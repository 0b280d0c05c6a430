"""The life of a pickup order: place, pick, mark short, ready, hand over, cancel, expire.

Every function is one transaction: it locks the order row, checks the transition table of
DESIGN.md, moves stock through `inventory.services`, and writes an `OrderEvent`. Admin actions,
the desk page, the API and the expiry task all call these functions; there is no other path.

Loyalty points and store credit settle in the same transactions: redeemed/spent when the order
is placed (ledger source "order:<number>"), earned when it is collected, given back when it is
cancelled or expires, shrunk after a short pick. Locks are always taken in one order: the order
row, then the shopper's loyalty account and account row (store credit), then stock rows, so
two services working on one shopper's orders can never deadlock.
"""

import datetime as dt
import hmac
import logging
import re
from collections.abc import Sequence
from decimal import Decimal
from functools import partial
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.events import status_event_record
from core.prefetch import prefetched
from core.texts import StoredText
from inventory.errors import InsufficientStock, StockError
from inventory.selectors import stores_with_availability
from inventory.services import (
    Shortage,
    stock_collect,
    stock_mark_short,
    stock_release,
    stock_reserve,
)
from inventory.texts import STOCK_MOVEMENT_TEXTS
from legal.models import LegalPage
from legal.selectors import order_terms
from loyalty.credit import (
    store_credit_balance,
    store_credit_give_back,
    store_credit_spend,
)
from loyalty.errors import LoyaltyError, OfferError, StoreCreditError
from loyalty.models import Channel as LoyaltyChannel
from loyalty.models import OfferChannel
from loyalty.offers.services import (
    offer_redeem,
    offer_redemption_release,
    offer_redemption_shrink,
)
from loyalty.rules import points_value, redeemable_max_points
from loyalty.services import (
    points_earn,
    points_redeem,
    points_redeem_reduce,
    points_redeem_reverse,
)
from loyalty.texts import POINTS_TEXTS, STORE_CREDIT_TEXTS
from shop.catalogue.models import Variant
from shop.orders.errors import (
    HandoverRateLimited,
    IdempotencyConflict,
    LineShortage,
    OrderError,
    OrderInvalid,
    OrderNotFound,
    OrderShortage,
    WrongPickupCode,
)
from shop.orders.models import (
    CollectedBy,
    HandoverAttempt,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    RescueChoice,
    ShortPickRescue,
)
from shop.orders.notifications import (
    notify_order_cancelled,
    notify_order_collected,
    notify_order_expired,
    notify_order_placed,
    notify_order_ready,
    notify_order_rescue,
)
from shop.orders.payments import payment_method_for, payment_method_get
from shop.orders.pickup_codes import (
    order_number_generate,
    pickup_code_generate,
    pickup_code_normalize,
)
from shop.orders.selectors.rescue import open_rescues, rescue_stores
from shop.orders.texts import ORDER_EVENT_TEXTS
from shop.orders.webhooks import order_webhook
from stores import calendar
from stores.geo import Point
from stores.models import Store
from stores.promise import promise_for
from stores.selectors import is_store_staff

logger = logging.getLogger(__name__)

MAX_LINE_QUANTITY = 99
MAX_LINES = 50
ELSEWHERE_LIMIT = 5
# Wrong pickup codes: at most this many per order, and per associate and store, in the window.
WRONG_CODES_PER_ORDER = 5
WRONG_CODES_PER_STAFF = 10
WRONG_CODE_WINDOW = dt.timedelta(minutes=15)
# How long the shopper has to choose what happens to units marked short (then they are dropped).
# Counted in hours for now; the store calendar may later end it at a closing time instead.
RESCUE_ANSWER_WINDOW = dt.timedelta(hours=24)

_PHONE = re.compile(r"^\+?[0-9 ()/.\-]{5,31}$")


# from → allowed targets (DESIGN.md); everything else is refused.
TRANSITIONS: dict[str, set[str]] = {
    OrderStatus.PAYMENT_PENDING: {OrderStatus.PLACED, OrderStatus.CANCELLED},
    OrderStatus.PLACED: {OrderStatus.PICKING, OrderStatus.CANCELLED},
    OrderStatus.PICKING: {OrderStatus.READY, OrderStatus.CANCELLED},
    OrderStatus.READY: {OrderStatus.COLLECTED, OrderStatus.EXPIRED},
}

_REFUSALS = {
    OrderStatus.PLACED: gettext_lazy("only orders awaiting payment can be confirmed"),
    OrderStatus.PICKING: gettext_lazy("only placed orders can be picked"),
    OrderStatus.READY: gettext_lazy("only orders being picked can be marked ready"),
    OrderStatus.COLLECTED: gettext_lazy("only ready orders can be handed over"),
    OrderStatus.CANCELLED: gettext_lazy("only placed or picking orders can be cancelled"),
    OrderStatus.EXPIRED: gettext_lazy("only ready orders can expire"),
}


def _check_transition(order: Order, to_status: OrderStatus) -> None:
    if to_status in TRANSITIONS.get(order.status, ()):
        return
    raise OrderError(
        _("Order %(number)s is %(status)s; %(rule)s.")
        % {
            "number": order.number,
            "status": order.get_status_display().lower(),
            "rule": _REFUSALS[to_status],
        }
    )


def _lock(order: Order) -> Order:
    """The order row, locked for this transaction and read fresh."""
    return Order.objects.select_for_update(of=("self",)).select_related("store").get(pk=order.pk)


def _require_staff(order: Order, actor: User) -> None:
    if not is_store_staff(user=actor, store=order.store_id):
        raise OrderNotFound(_("No such order in your stores."))


def _move(
    order: Order,
    to_status: OrderStatus,
    *,
    actor: User | None,
    note: str | StoredText = "",
    now: dt.datetime | None = None,
) -> None:
    """Set the new status and its timestamp, save, and write the timeline event."""
    now = now or timezone.now()
    from_status = order.status
    order.status = to_status
    stamp = {
        OrderStatus.PICKING: "picking_started_at",
        OrderStatus.READY: "ready_at",
        OrderStatus.COLLECTED: "collected_at",
        OrderStatus.CANCELLED: "cancelled_at",
        OrderStatus.EXPIRED: "expired_at",
    }.get(to_status)
    fields = ["status"]
    if stamp is not None:  # placed (after an online payment) keeps the time it was ordered
        setattr(order, stamp, now)
        fields.append(stamp)
    if to_status == OrderStatus.READY:
        # The hold counts opening days and ends at closing time of the last one.
        order.hold_until = calendar.hold_until(
            store=order.store, ready_at=now, opening_days=order.store.pickup_hold_days
        )
        fields.append("hold_until")
        if order.promised_ready_at is not None:
            order.promise_kept = now <= order.promised_ready_at
            fields.append("promise_kept")
    order.save(update_fields=fields)
    status_event_record(
        OrderEvent,
        order=order,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )
    order_webhook(order)


# --- placing -----------------------------------------------------------------------------------


def _clean_phone(phone: str) -> str:
    phone = " ".join((phone or "").split())
    digits = sum(ch.isdigit() for ch in phone)
    if not _PHONE.match(phone) or not 5 <= digits <= 20:
        raise OrderInvalid(_("Please give a phone number we can call, for example +49 30 1234567."))
    return phone


def _merge_lines(lines: Sequence[tuple[Variant, int]]) -> dict[int, int]:
    """{variant_id: units}, two lines of the same variant counted together."""
    if not lines:
        raise OrderInvalid(_("The order has no items."))
    if len(lines) > MAX_LINES:
        raise OrderInvalid(_("An order can have at most %(max)d lines.") % {"max": MAX_LINES})
    merged: dict[int, int] = {}
    for variant, quantity in lines:
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise OrderInvalid(_("Quantities must be whole numbers."))
        if not 1 <= quantity <= MAX_LINE_QUANTITY:
            raise OrderInvalid(
                _("Each quantity must be between 1 and %(max)d.") % {"max": MAX_LINE_QUANTITY}
            )
        merged[variant.pk] = merged.get(variant.pk, 0) + quantity
    for variant_id, quantity in merged.items():
        if quantity > MAX_LINE_QUANTITY:
            sku = next(v.sku for v, _q in lines if v.pk == variant_id)
            raise OrderInvalid(
                _("At most %(max)d units of %(sku)s per order.")
                % {"max": MAX_LINE_QUANTITY, "sku": sku}
            )
    return merged


def _sellable_variants(lines: Sequence[tuple[Variant, int]]) -> dict[int, Variant]:
    """{variant_id: variant} of the lines, each still sold. Variants the caller loaded with
    their product (the API, the cart) are checked as they are; others are read again."""
    given = {variant.pk: variant for variant, _q in lines}
    product = Variant._meta.get_field("product")
    if all(product.is_cached(v) for v in given.values()):
        variants = {pk: v for pk, v in given.items() if v.is_active and v.product.is_active}
    else:
        variants = {
            v.pk: v
            for v in Variant.objects.select_related("product").filter(
                pk__in=list(given), is_active=True, product__is_active=True
            )
        }
    missing = [pk for pk in given if pk not in variants]
    if missing:
        skus = Variant.objects.filter(pk__in=missing).values_list("sku", flat=True)
        raise OrderInvalid(
            _("These items are no longer sold: %(skus)s.")
            % {"skus": ", ".join(sorted(skus)) or "?"}
        )
    return variants


def _line_shortages(
    store: Store, shortages: Sequence[Shortage], variants: dict[int, Variant]
) -> list[LineShortage]:
    origin = Point(float(store.latitude), float(store.longitude))
    result = []
    for shortage in shortages:
        elsewhere: list[tuple[Store, int]] = [
            (other, other.available)
            for other in stores_with_availability([shortage.variant_id], origin)
            .filter(pickup_enabled=True, available__gt=0)
            .exclude(pk=store.pk)[:ELSEWHERE_LIMIT]
        ]
        result.append(
            LineShortage(
                variant=variants[shortage.variant_id],
                requested=shortage.requested,
                available=shortage.available,
                elsewhere=elsewhere,
            )
        )
    return result


def _same_request(order: Order, store: Store, lines: Sequence[tuple[Variant, int]]) -> bool:
    """Whether `lines` at `store` ask for what `order` was placed with (lines of one variant
    counted together, as when placing)."""
    wanted: dict[int, int] = {}
    for variant, quantity in lines:
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            return False
        wanted[variant.pk] = wanted.get(variant.pk, 0) + quantity
    placed = dict(order.lines.values_list("variant_id", "quantity"))
    return order.store_id == store.pk and wanted == placed


def _existing_for_key(
    customer: User, idempotency_key: str, store: Store, lines: Sequence[tuple[Variant, int]]
) -> Order | None:
    """The order `customer` placed before with this key, when it asked for the same lines at
    the same store; IdempotencyConflict when the key was used for something else."""
    if not idempotency_key:
        return None
    existing = Order.objects.filter(customer=customer, idempotency_key=idempotency_key).first()
    if existing is None or _same_request(existing, store, lines):
        return existing
    raise IdempotencyConflict(
        _("This Idempotency-Key was used for a different order (%s).") % existing.number
    )


class Placement(NamedTuple):
    """What `order_placement` did: the order, and whether this call created it (False: the
    order placed earlier, or by a concurrent call, with the same Idempotency-Key)."""

    order: Order
    created: bool


def order_place(
    *,
    customer: User,
    store: Store,
    lines: Sequence[tuple[Variant, int]],
    phone: str,
    idempotency_key: str = "",
    points_to_redeem: int = 0,
    use_store_credit: bool = False,
    payment_method: str = "counter",
    coupon_code: str = "",
    coupon_limiter: str = "",
) -> Order:
    """`order_placement`, for callers that need only the order."""
    return order_placement(
        customer=customer,
        store=store,
        lines=lines,
        phone=phone,
        idempotency_key=idempotency_key,
        points_to_redeem=points_to_redeem,
        use_store_credit=use_store_credit,
        payment_method=payment_method,
        coupon_code=coupon_code,
        coupon_limiter=coupon_limiter,
    ).order


def order_placement(
    *,
    customer: User,
    store: Store,
    lines: Sequence[tuple[Variant, int]],
    phone: str,
    idempotency_key: str = "",
    points_to_redeem: int = 0,
    use_store_credit: bool = False,
    payment_method: str = "counter",
    coupon_code: str = "",
    coupon_limiter: str = "",
) -> Placement:
    """Reserve every line at `store` for `customer`, all or nothing, and return the new order.

    Two lines of the same variant count together. The same (customer, idempotency_key) with
    the same lines and store returns the order placed the first time instead of placing a
    second one (also when two such requests race); with other lines or another store it raises
    IdempotencyConflict. Only the call that created the order says `created`: a concurrent call
    with the same key waits (PostgreSQL: its INSERT waits for the first transaction on the
    unique key) and gets the first order with `created=False`. Raises OrderShortage (every short line and the nearest stores that
    have it) or OrderInvalid for bad input.

    `points_to_redeem` loyalty points (100 = 1 €, at most half the order) and, with
    `use_store_credit`, the customer's store credit (as much as the rest of the order needs)
    are taken in the same transaction, under the source "order:<number>", and lower the amount
    due. A refusal (too few points, too many for this order) places nothing.

    `payment_method` is the code of a registered `PaymentMethod` offered at `store`. An online
    method leaves the order `payment_pending` (stock reserved, no "placed" message) until the
    provider confirms the authorisation (`order_payment_authorised`).

    `coupon_code` (or, without one, the shopper's best automatic tier offer) takes its discount
    off the goods first (`loyalty.offers.services.offer_redeem`, ledger source "order:<number>");
    points then pay at most half of what is left. A code that cannot be used raises its
    OfferError (400/409/429) and places nothing. Wrong codes count against `coupon_limiter`
    ("user:<id>" by default).
    """
    idempotency_key = (idempotency_key or "").strip()
    if len(idempotency_key) > 100:
        raise OrderInvalid(_("The idempotency key may have at most 100 characters."))
    existing = _existing_for_key(customer, idempotency_key, store, lines)
    if existing is not None:
        return Placement(existing, created=False)
    if not (store.is_active and store.pickup_enabled):
        raise OrderInvalid(_("%(store)s does not offer pickup.") % {"store": store.name})
    if not customer.email:
        raise OrderInvalid(_("The account needs an e-mail address."))
    phone = _clean_phone(phone)
    if isinstance(points_to_redeem, bool) or not isinstance(points_to_redeem, int):
        raise OrderInvalid(_("Points are whole numbers."))
    if points_to_redeem < 0:
        raise OrderInvalid(_("The number of points cannot be negative."))
    method = payment_method_get(payment_method)
    if method is None or not method.offered_at(store):
        raise OrderInvalid(
            _("This payment method is not offered at %(store)s.") % {"store": store.name}
        )
    quantities = _merge_lines(lines)
    variants = _sellable_variants(lines)

    total = sum(
        (variants[pk].current_price * quantity for pk, quantity in quantities.items()),
        Decimal("0.00"),
    )
    # What the shopper is told on the pages and in the e-mails: ready from this moment on.
    promised = promise_for(store=store)
    # The contract as it stands now: the shop's model and the AGB and privacy wording in force.
    terms = order_terms()
    # A refusal after something was written (a coupon, points or store credit that cannot be
    # used; a concurrent request with the same Idempotency-Key) needs a savepoint to undo it.
    # Without those, the stock is the one thing that refuses, and it refuses before the order is
    # written: no savepoint, two statements fewer.
    refusable = bool(idempotency_key or coupon_code or points_to_redeem or use_store_credit)
    for _attempt in range(3):
        order = Order(
            customer=customer,
            store=store,
            phone=phone,
            email=customer.email,
            language=translation.get_language() or customer.language,
            total=total,
            idempotency_key=idempotency_key,
            payment_method=method.code,
            status=OrderStatus.PAYMENT_PENDING if method.online else OrderStatus.PLACED,
            number=order_number_generate(),
            pickup_code=pickup_code_generate(),
            promised_ready_at=promised,
            contract_model=terms.contract_model,
            terms_version=terms.texts.get(LegalPage.TERMS),
            privacy_version=terms.texts.get(LegalPage.PRIVACY),
        )
        try:
            with transaction.atomic(savepoint=refusable):
                shortages = _order_write(
                    order,
                    quantities=quantities,
                    variants=variants,
                    points_to_redeem=points_to_redeem,
                    use_store_credit=use_store_credit,
                    coupon_code=coupon_code,
                    coupon_limiter=coupon_limiter or f"user:{customer.pk}",
                )
        except IntegrityError:
            if not refusable:  # without a savepoint the transaction cannot go on
                break
            existing = _existing_for_key(customer, idempotency_key, store, lines)
            if existing is not None:  # the same key won a race: that order is the answer
                return Placement(existing, created=False)
            continue
        except OfferError:
            raise
        except (StockError, LoyaltyError, StoreCreditError) as exc:
            raise OrderInvalid(str(exc)) from None
        if shortages:
            raise OrderShortage(shortages)
        return Placement(order, created=True)
    raise OrderInvalid(_("Could not number the order; please try again."))


def _order_write(
    order: Order,
    *,
    quantities: dict[int, int],
    variants: dict[int, Variant],
    points_to_redeem: int,
    use_store_credit: bool,
    coupon_code: str,
    coupon_limiter: str,
) -> list[LineShortage]:
    """Settle the offer, points and store credit, reserve the stock and write the order (not
    saved yet) with its lines, first event and messages. Returns the short lines when the stock
    refused before anything else was written (the caller's transaction is as it was); raises
    OrderShortage when something was, so that a rollback undoes it."""
    customer = order.customer
    _offer_apply(order, coupon_code, coupon_limiter)
    _settle_online(order, points_to_redeem, use_store_credit)
    try:
        # Before the order's rows, after the loyalty account (the lock order of the module
        # docstring): a refusal here leaves nothing behind.
        stock_reserve(
            store_id=order.store_id,
            reference=order.number,
            quantities=quantities,
            user=customer,
        )
    except InsufficientStock as exc:
        shortages = _line_shortages(order.store, exc.shortages, variants)
        if order.offer_discount or order.points_redeemed or order.store_credit_used:
            raise OrderShortage(shortages) from None
        return shortages
    order.amount_due = payment_method_for(order).amount_due(order)
    order.save(force_insert=True)
    lines = OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            variant=variants[pk],
            sku=variants[pk].sku,
            product_name=variants[pk].product.name,
            variant_label=variants[pk].label[:100],
            unit_price=variants[pk].current_price,
            vat_rate=variants[pk].product.vat_rate,
            net_quantity=variants[pk].net_quantity,
            quantity_unit=variants[pk].quantity_unit,
            quantity=quantity,
        )
        for pk, quantity in quantities.items()
    )
    event = status_event_record(OrderEvent, order=order, actor=customer, to_status=order.status)
    # What the answer shows is known now: no need to read it back.
    prefetched(order, lines=lines, events=[event], rescues=[])
    if order.status == OrderStatus.PLACED:
        _announce_placed(order)
    return []


def _announce_placed(order: Order) -> None:
    """The shopper's confirmation, the store's new-order message and the order.placed webhook:
    written now, handed to the broker after commit as one message for all of them (the task
    `order_placed_followups` queues each in the worker)."""
    from shop.orders.tasks import order_placed_followups_queue

    notifications = notify_order_placed(order, queue=False)
    deliveries = order_webhook(order, queue=False)
    if notifications or deliveries:
        transaction.on_commit(
            partial(
                order_placed_followups_queue,
                notification_ids=[n.pk for n in notifications],
                delivery_ids=[d.pk for d in deliveries],
            ),
            robust=True,
        )


def _source(order: Order) -> str:
    """The ledger source of everything the order books on points and store credit."""
    return f"order:{order.number}"


def _offer_apply(order: Order, code: str, limiter: str) -> None:
    """The coupon (or automatic tier offer) of a new order (not saved yet), before the points."""
    redemption = offer_redeem(
        code=code,
        customer=order.customer,
        store=order.store,
        channel=OfferChannel.ONLINE,
        basis=order.total,
        source=_source(order),
        limiter=limiter,
        order_number=order.number,
    )
    if redemption is not None:
        order.offer_discount = redemption.amount
        order.offer_name = redemption.promotion.name[:100]


def _settle_online(order: Order, points: int, use_store_credit: bool) -> None:
    """Take the points and store credit the shopper chose for a new order (not saved yet)."""
    if points:
        order.loyalty_discount = points_redeem(
            user=order.customer,
            points=points,
            source=_source(order),
            order_total=order.total - order.offer_discount,
            store=order.store,
            channel=LoyaltyChannel.ONLINE,
        )
        order.points_redeemed = points
    if use_store_credit:
        wanted = min(store_credit_balance(user=order.customer), order.goods_paid)
        if wanted > 0:
            store_credit_spend(user=order.customer, amount=wanted, source=_source(order))
            order.store_credit_used = wanted


def _settlement_give_back(order: Order) -> None:
    """The order is off (cancelled, expired): the offer, the points and the store credit go
    back."""
    offer_redemption_release(source=_source(order))
    if order.points_redeemed:
        points_redeem_reverse(source=_source(order))
    if order.store_credit_used > 0:
        store_credit_give_back(
            user=order.customer,
            amount=order.store_credit_used,
            source=f"{_source(order)}:back",
            note=STORE_CREDIT_TEXTS.make("order_not_ahead", number=order.number),
        )


def _settlement_shrink(order: Order, event: OrderEvent) -> None:
    """After a short pick: keep the points discount and store credit within the new total.

    Rule: points pay at most half of the order, also after a short pick. The points beyond
    what half the new total allows go back to the shopper's account and the discount shrinks
    with them (100 points = 1 €, as when they were used). Store credit beyond what is left to
    pay goes back to the account too. Both are booked once per short pick (its timeline event).
    """
    if order.offer_discount > 0:
        shrunk = offer_redemption_shrink(source=_source(order), basis=order.total)
        order.offer_discount = shrunk if shrunk is not None else Decimal("0.00")
    allowed = redeemable_max_points(order.total - order.offer_discount)
    if order.points_redeemed > allowed:
        points_redeem_reduce(
            source=_source(order), part=str(event.pk), points=order.points_redeemed - allowed
        )
        order.points_redeemed = allowed
        order.loyalty_discount = points_value(allowed)
    excess = order.store_credit_used - order.goods_paid
    if excess > 0:
        store_credit_give_back(
            user=order.customer,
            amount=excess,
            source=f"{_source(order)}:short:{event.pk}",
            note=STORE_CREDIT_TEXTS.make("order_items_missing", number=order.number),
        )
        order.store_credit_used -= excess


# --- staff steps -------------------------------------------------------------------------------


@transaction.atomic
def order_start_picking(*, order: Order, actor: User) -> Order:
    order = _lock(order)
    _require_staff(order, actor)
    _check_transition(order, OrderStatus.PICKING)
    _move(order, OrderStatus.PICKING, actor=actor)
    return order


@transaction.atomic
def order_mark_line_short(
    *, line: OrderLine, units: int, actor: User, already_short: int | None = None
) -> Order:
    """`units` more units of `line` were not found on the shelf.

    The reservation shrinks and on-hand is corrected (count adjustment); the total is
    recomputed, and a `ShortPickRescue` asks the shopper what happens to the missing units.
    When nothing of the order is left to hand over, the rescue is still offered as long as
    another store has the missing goods; only when none has them is the order cancelled.

    `already_short`: the units of the line the associate saw marked short when deciding (the
    desk, the admin and the API send it). When the line has meanwhile become exactly
    `already_short + units` short, this is the same marking again (a double click, a second
    associate, desk and admin) and the order is returned unchanged: no second rescue, no second
    message. Any other difference is a conflict the associate must look at.
    """
    order = _lock(line.order)
    _require_staff(order, actor)
    line = OrderLine.objects.select_for_update().get(pk=line.pk, order=order)
    if isinstance(units, bool) or not isinstance(units, int) or units < 1:
        raise OrderError(_("The number of missing units must be a whole number of at least 1."))
    if already_short is not None and line.quantity_short != already_short:
        if line.quantity_short == already_short + units:
            return order  # already done by the same request or the same decision elsewhere
        raise OrderError(
            _(
                "Meanwhile %(short)d unit(s) of %(sku)s are marked short (you saw %(seen)d). "
                "Please check the line again."
            )
            % {"short": line.quantity_short, "sku": line.sku, "seen": already_short}
        )
    if order.status != OrderStatus.PICKING:
        raise OrderError(
            _("Order %(number)s is %(status)s; lines can be marked short only while picking.")
            % {"number": order.number, "status": order.get_status_display().lower()}
        )
    if units > line.quantity_to_collect:
        raise OrderError(
            _("Only %(left)d unit(s) of %(sku)s are left to pick; %(units)d cannot be short.")
            % {"left": line.quantity_to_collect, "sku": line.sku, "units": units}
        )
    line.quantity_short += units
    line.save(update_fields=["quantity_short"])
    lines = list(order.lines.all())
    order.total = sum((ln.line_total for ln in lines), Decimal("0.00"))
    short = {"units": units, "sku": line.sku}
    rescue = ShortPickRescue(
        order=order, line=line, units=units, deadline=timezone.now() + RESCUE_ANSWER_WINDOW
    )
    if all(ln.quantity_to_collect == 0 for ln in lines) and not any(
        rescue_stores(rescue=candidate) for candidate in [*open_rescues(order=order), rescue]
    ):
        # Nothing left here and no other store has any of the missing goods.
        _call_off(
            order,
            status=OrderStatus.CANCELLED,
            actor=actor,
            note=ORDER_EVENT_TEXTS.make("line_short_cancelled_nowhere", **short),
            last_short=(line.variant_id, units),
        )
        notify_order_cancelled(order)
        return order
    event = status_event_record(
        OrderEvent,
        order=order,
        actor=actor,
        from_status=order.status,
        to_status=order.status,
        note=ORDER_EVENT_TEXTS.make("line_short", **short),
    )
    _settlement_shrink(order, event)
    _save_amounts(order)
    stock_mark_short(reference=order.number, variant_id=line.variant_id, units=units, user=actor)
    # The order waits for the shopper's answer (another store, drop, cancel everything).
    rescue.save()
    notify_order_rescue(rescue)
    return order


def _close_if_nothing_left(
    order: Order, *, actor: User | None, note: StoredText, notify: bool
) -> bool:
    """After a rescue was decided: an order (locked) with nothing left to hand over and no rescue
    still open is over. It is cancelled with `note`; the shopper is told when `notify`.

    Returns whether it was closed."""
    if (
        order.status != OrderStatus.PICKING
        or order.rescues.filter(choice=RescueChoice.OPEN).exists()
    ):
        return False
    if any(line.quantity_to_collect for line in order.lines.all()):
        return False
    # The points and credit were already shrunk to nothing at the short picks: no-ops then.
    _call_off(order, status=OrderStatus.CANCELLED, actor=actor, note=note)
    if notify:
        notify_order_cancelled(order)
    return True


def _call_off(
    order: Order,
    *,
    status: OrderStatus,
    actor: User | None,
    note: str | StoredText,
    stock_note: str | StoredText | None = None,
    last_short: tuple[int, int] | None = None,
    now: dt.datetime | None = None,
) -> None:
    """The (locked) order is off: cancelled or expired. One sequence for every way there:

    points and store credit go back (loyalty and credit rows before stock rows, as in
    `order_place`); `last_short` (variant id, units), the units whose absence ended the order,
    are marked short before the rest of the reservation is released with `stock_note` (default:
    "order cancelled"); the payment is voided; rescues still open are closed; the status moves
    with `note`. The caller tells the shopper (or not).
    """
    _settlement_give_back(order)
    if last_short:
        # Nothing is handed over (the total is 0 now) and everything taken went back above.
        order.offer_discount = order.loyalty_discount = order.store_credit_used = Decimal("0.00")
        order.points_redeemed = 0
        _save_amounts(order)
        variant_id, units = last_short
        stock_mark_short(reference=order.number, variant_id=variant_id, units=units, user=actor)
    stock_release(
        reference=order.number,
        user=actor,
        note=STOCK_MOVEMENT_TEXTS.make("order_cancelled", number=order.number)
        if stock_note is None
        else stock_note,
    )
    payment_method_for(order).release(order)
    order.rescues.filter(choice=RescueChoice.OPEN).update(
        choice=RescueChoice.CANCEL, chosen_by=actor, chosen_at=now or timezone.now()
    )
    _move(order, status, actor=actor, note=note, now=now)


def _save_amounts(order: Order) -> None:
    order.amount_due = payment_method_for(order).amount_due(order)
    order.save(
        update_fields=[
            "total",
            "loyalty_discount",
            "offer_discount",
            "points_redeemed",
            "store_credit_used",
            "amount_due",
        ]
    )


@transaction.atomic
def order_mark_ready(*, order: Order, actor: User) -> Order:
    order = _lock(order)
    _require_staff(order, actor)
    _check_transition(order, OrderStatus.READY)
    if order.rescues.filter(choice=RescueChoice.OPEN).exists():
        raise OrderError(
            _(
                "Order %(number)s waits for the customer to choose what happens to the missing "
                "items; it can be marked ready once they have chosen or the time to answer is over."
            )
            % {"number": order.number}
        )
    _move(order, OrderStatus.READY, actor=actor)
    notify_order_ready(order)
    return order


@transaction.atomic
def order_cancel(
    *,
    order: Order,
    actor: User | None,
    reason: str | StoredText = "",
    withdrawal: bool = False,
) -> Order:
    """The shopper (their own order) or an associate of the store cancels; stock is released.

    `withdrawal`: the shopper withdrew from a purchase (`shop.orders.services.withdrawal`). Then
    an order that is ready for pickup is cancelled too (the shopper will not come for it), and the
    withdrawal's own confirmation replaces the cancellation message.
    """
    order = _lock(order)
    if not (actor and actor.pk == order.customer_id) and not is_store_staff(
        user=actor, store=order.store_id
    ):
        raise OrderNotFound(_("No such order."))
    if not (withdrawal and order.status == OrderStatus.READY):
        _check_transition(order, OrderStatus.CANCELLED)
    _call_off(
        order,
        status=OrderStatus.CANCELLED,
        actor=actor,
        note=reason,
        stock_note=None if isinstance(reason, StoredText) else reason,
    )
    if not withdrawal:
        notify_order_cancelled(order)
    return order


@transaction.atomic
def order_expire(*, order: Order) -> Order:
    """A ready order not collected within the store's hold period; its stock goes back on sale."""
    order = _lock(order)
    _check_transition(order, OrderStatus.EXPIRED)
    now = timezone.now()
    if order.hold_until and order.hold_until > now:
        raise OrderError(
            _("Order %(number)s is held until %(when)s.")
            % {
                "number": order.number,
                "when": date_format(timezone.localtime(order.hold_until), "SHORT_DATETIME_FORMAT"),
            }
        )
    _call_off(
        order,
        status=OrderStatus.EXPIRED,
        actor=None,
        now=now,
        note=ORDER_EVENT_TEXTS.make("not_collected", days=order.store.pickup_hold_days),
        stock_note=STOCK_MOVEMENT_TEXTS.make("order_not_collected"),
    )
    notify_order_expired(order)
    return order


# --- handover ----------------------------------------------------------------------------------


def _rate_limited(
    attempts: QuerySet[HandoverAttempt], limit: int, now: dt.datetime
) -> dt.datetime | None:
    """When the oldest of `limit` recent wrong attempts leaves the window, else None."""
    recent = list(
        attempts.filter(success=False, created_at__gt=now - WRONG_CODE_WINDOW)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    return recent[-1] + WRONG_CODE_WINDOW


def _rate_limit_error(retry_at: dt.datetime) -> HandoverRateLimited:
    return HandoverRateLimited(
        _("Too many wrong pickup codes. Please try again after %(time)s.")
        % {"time": time_format(timezone.localtime(retry_at), "TIME_FORMAT")},
        retry_at,
    )


def _handover_retry_at(*, store_id: int, actor: User, order: Order | None) -> dt.datetime | None:
    """The one handover limiter every path shares (desk, API, admin): the associate's wrong codes
    at the store (WRONG_CODES_PER_STAFF) and, for a known order, the order's (WRONG_CODES_PER_ORDER)
    within WRONG_CODE_WINDOW. When the later of the blocks ends, else None."""
    now = timezone.now()
    blocks = [
        _rate_limited(
            HandoverAttempt.objects.filter(store_id=store_id, actor=actor),
            WRONG_CODES_PER_STAFF,
            now,
        )
    ]
    if order is not None:
        blocks.append(
            _rate_limited(HandoverAttempt.objects.filter(order=order), WRONG_CODES_PER_ORDER, now)
        )
    found = [when for when in blocks if when is not None]
    return max(found) if found else None


def order_collect(*, order: Order, code: str, actor: User, ip: str | None = None) -> Order:
    """Hand a ready order over once its pickup code matches (case, spaces and dashes ignored).

    Only staff of the order's store (or a superuser) may do it. Wrong codes are recorded and
    logged; after WRONG_CODES_PER_ORDER of them within WRONG_CODE_WINDOW the order refuses
    every code until the window has passed, and an associate with WRONG_CODES_PER_STAFF wrong
    codes at the store is refused on every path (desk, API, admin) until the window has passed.
    """
    with transaction.atomic():
        order = _lock(order)
        _require_staff(order, actor)
        now = timezone.now()
        retry_at = _handover_retry_at(store_id=order.store_id, actor=actor, order=order)
        if retry_at is not None:
            error: OrderError = _rate_limit_error(retry_at)
        else:
            _check_transition(order, OrderStatus.COLLECTED)
            collected_by = _code_owner(order, pickup_code_normalize(code))
            matches = collected_by is not None
            HandoverAttempt.objects.create(
                store_id=order.store_id, order=order, actor=actor, success=matches, ip=ip
            )
            if collected_by is not None:
                _collect(order, actor, collected_by)
                return order
            error = WrongPickupCode(
                _("Wrong pickup code for order %(number)s (%(count)d of %(max)d attempts).")
                % {
                    "number": order.number,
                    "count": HandoverAttempt.objects.filter(
                        order=order, success=False, created_at__gt=now - WRONG_CODE_WINDOW
                    ).count(),
                    "max": WRONG_CODES_PER_ORDER,
                }
            )
    # Outside the atomic block: the wrong attempt is committed before we refuse.
    logger.warning(
        "Pickup handover refused for order %s by user %s (ip %s): %s",
        order.number,
        getattr(actor, "pk", None),
        ip,
        error,
    )
    raise error


def _code_owner(order: Order, normalized: str) -> CollectedBy | None:
    """Whose code this is: the customer's, the named collector's, or nobody's (None).

    Both codes are compared in constant time, so the answer takes as long either way."""
    own = hmac.compare_digest(normalized.encode(), order.pickup_code.encode())
    other = bool(order.collector_code) & hmac.compare_digest(
        normalized.encode(), (order.collector_code or "-").encode()
    )
    if own:
        return CollectedBy.CUSTOMER
    if other:
        return CollectedBy.COLLECTOR
    return None


def _collect(order: Order, actor: User, collected_by: CollectedBy) -> None:
    now = timezone.now()
    # Points on what the shopper paid: the total less the points discount (store credit is
    # money refunded earlier, so it earns like any other payment). Booked before the stock
    # moves: every order service locks the loyalty account before stock rows, never after.
    try:
        points_earn(
            user=order.customer,
            amount=order.goods_paid,
            source=_source(order),
            store=order.store,
            channel=LoyaltyChannel.ONLINE,
            occurred_at=now,
            description=POINTS_TEXTS.make("order", number=order.number),
            actor=actor,
        )
    except LoyaltyError as exc:  # refused before anything was written; the goods still go
        logger.error("No loyalty points for order %s: %s", order.number, exc)
    stock_collect(reference=order.number, user=actor)
    method = payment_method_for(order)
    paid = method.capture_at_handover(order)
    if collected_by == CollectedBy.COLLECTOR:
        note = ORDER_EVENT_TEXTS.make(
            "collected_by_collector", method=method.code, amount=paid, name=order.collector_name
        )
    else:
        note = ORDER_EVENT_TEXTS.make("collected", method=method.code, amount=paid)
    order.collected_by = collected_by
    order.save(update_fields=["collected_by"])
    _move(order, OrderStatus.COLLECTED, actor=actor, now=now, note=note)
    notify_order_collected(order)


def order_collect_by_code(*, store: Store, code: str, actor: User, ip: str | None = None) -> Order:
    """The desk scanner: hand over the ready order at `store` whose pickup code this is.

    Wrong codes count against the associate at this store (WRONG_CODES_PER_STAFF per window),
    so nobody can try codes until one fits.
    """
    if not is_store_staff(user=actor, store=store):
        raise OrderNotFound(_("You do not work in this store."))
    normalized = pickup_code_normalize(code)
    retry_at = _handover_retry_at(store_id=store.pk, actor=actor, order=None)
    if retry_at is not None:
        error: OrderError = _rate_limit_error(retry_at)
    elif not normalized:
        raise OrderInvalid(_("Please scan or type a pickup code."))
    else:
        candidates = list(
            Order.objects.filter(store=store)
            .filter(Q(pickup_code=normalized) | Q(collector_code=normalized))
            .order_by("-created_at")[:5]
        )
        ready = [o for o in candidates if o.status == OrderStatus.READY]
        if ready:
            return order_collect(order=ready[0], code=normalized, actor=actor, ip=ip)
        if candidates:  # a real code, but the order is not (or no longer) ready
            _check_transition(candidates[0], OrderStatus.COLLECTED)
        HandoverAttempt.objects.create(store=store, actor=actor, success=False, ip=ip)
        error = WrongPickupCode(
            _("No ready order with this code at %(store)s.") % {"store": store.name}
        )
    logger.warning(
        "Pickup code refused at store %s for user %s (ip %s): %s",
        store.code,
        getattr(actor, "pk", None),
        ip,
        error,
    )
    raise error
