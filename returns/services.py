"""The life of a return: request (online or at the counter), receive in any store, refund.

Every function is one transaction. Anything that changes how much of an order has been
returned locks the order row first (then the return), so two associates working on the same
order at the same time are served one after the other and can never return more than was
collected. Stock moves through `inventory.services`, points through `loyalty.services`; the
shopper's notifications go into the outbox in the same transaction and are sent after commit.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.events import status_event_record
from core.texts import StoredText
from inventory.models import MovementKind
from inventory.services import stock_receive, stock_receive_damaged
from inventory.texts import STOCK_MOVEMENT_TEXTS
from loyalty.credit import store_credit_add
from loyalty.texts import STORE_CREDIT_TEXTS
from payments.errors import PaymentError
from payments.services import RefundLine, payment_refund
from shop.orders.models import Order, OrderLine, OrderStatus
from stores.models import Store
from stores.selectors import is_store_manager, is_store_staff

from . import points
from .codes import return_code_generate
from .errors import ReturnError, ReturnNotFound, ReturnRefused
from .models import (
    ACCEPTED_CONDITIONS,
    LineCondition,
    Refund,
    RefundMethod,
    ReturnEvent,
    ReturnLine,
    ReturnReason,
    ReturnRequest,
    ReturnStatus,
)
from .notifications import notify_return
from .refunds import from_cents, line_net_cents, points_share, to_cents, units_value_cents
from .texts import RETURN_EVENT_TEXTS
from .webhooks import return_webhook

MAX_COMMENT = 1000


@dataclass(frozen=True)
class LineInspection:
    condition: str
    reject_reason: str = ""


# --- rules ---------------------------------------------------------------------------------


def return_window_days() -> int:
    return settings.RETURN_WINDOW_DAYS


def return_window_ends(*, order: Order) -> dt.date | None:
    """The last calendar day (local time) on which a return of this order may be started."""
    if order.collected_at is None:
        return None
    collected_on = timezone.localdate(order.collected_at)
    return collected_on + dt.timedelta(days=return_window_days())


def returned_quantities(*, order: Order, exclude: ReturnRequest | None = None) -> dict[int, int]:
    """{order_line_id: units already returned or on their way back} for the order.

    Counts every line of a return that is not rejected, except returns that were cancelled
    before anything was received.
    """
    lines = ReturnLine.objects.filter(return_request__order=order).exclude(
        condition=LineCondition.REJECTED
    )
    lines = lines.exclude(
        return_request__status=ReturnStatus.CLOSED, return_request__received_at__isnull=True
    )
    if exclude is not None:
        lines = lines.exclude(return_request=exclude)
    return {
        row["order_line_id"]: row["units"]
        for row in lines.values("order_line_id").annotate(units=Sum("quantity"))
    }


def _lock_order(order: Order) -> Order:
    return Order.objects.select_for_update(of=("self",)).get(pk=order.pk)


def _lock_return(ret: ReturnRequest) -> ReturnRequest:
    return ReturnRequest.objects.select_for_update(of=("self",)).get(pk=ret.pk)


def _move(
    ret: ReturnRequest,
    to_status: str,
    *,
    actor: User | None,
    store: Store | None = None,
    note: str | StoredText = "",
) -> None:
    from_status = ret.status
    ret.status = to_status
    status_event_record(
        ReturnEvent,
        return_request=ret,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        store=store,
        note=note,
    )


# --- starting a return ---------------------------------------------------------------------


def _clean_lines(
    order: Order, lines: Sequence[tuple[OrderLine | int, int]]
) -> dict[int, tuple[OrderLine, int]]:
    if not lines:
        raise ReturnError(_("Choose at least one item to return."))
    by_id = {line.pk: line for line in order.lines.all()}
    wanted: dict[int, int] = {}
    for line, quantity in lines:
        line_id = line.pk if isinstance(line, OrderLine) else line
        if line_id not in by_id:
            raise ReturnError(
                _("This item is not part of order %(number)s.") % {"number": order.number}
            )
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            raise ReturnError(_("Quantities must be whole numbers, zero or more."))
        wanted[line_id] = wanted.get(line_id, 0) + quantity
    chosen = {pk: (by_id[pk], q) for pk, q in wanted.items() if q > 0}
    if not chosen:
        raise ReturnError(_("Choose at least one item to return."))
    return chosen


def _clean_reason(reason: str, comment: str) -> str:
    if reason not in ReturnReason.values:
        raise ReturnError(_("Please choose a reason for the return."))
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ReturnError(
            _("The comment is too long (at most %(max)d characters).") % {"max": MAX_COMMENT}
        )
    if reason == ReturnReason.OTHER and not comment:
        raise ReturnError(_("Please tell us in a comment why you return the item."))
    return comment


def _quantity_refusals(
    order: Order, chosen: Mapping[int, tuple[OrderLine, int]], already: Mapping[int, int]
) -> list[str]:
    refusals = []
    for line, quantity in chosen.values():
        left = line.quantity_to_collect - already.get(line.pk, 0)
        if quantity > left:
            refusals.append(
                _("%(product)s: %(left)d of %(collected)d can still be returned, not %(wanted)d.")
                % {
                    "product": line.product_name,
                    "left": max(left, 0),
                    "collected": line.quantity_to_collect,
                    "wanted": quantity,
                }
            )
    return refusals


def return_request_create(
    *,
    order: Order,
    lines: Sequence[tuple[OrderLine | int, int]],
    reason: str,
    actor: User | None,
    comment: str = "",
    store: Store | None = None,
    override_reason: str = "",
    idempotency_key: str = "",
) -> ReturnRequest:
    """Start a return of `lines` ([(order line or its id, units)]) of a collected order.

    The shopper starts it online (`store` None, `actor` the customer); an associate starts it
    at the counter of `store`. Refused (ReturnRefused, with every reason) outside the return
    window or over the returnable quantity. A manager of `store` may accept a return outside
    the window with a written `override_reason`, which is kept; the quantity is never
    overridden. The same (customer, idempotency_key) returns the existing request.
    """
    comment = _clean_reason(reason, comment)
    override_reason = (override_reason or "").strip()
    with transaction.atomic():
        order = _lock_order(order)
        if store is None:
            if actor is None or actor.pk != order.customer_id:
                raise ReturnNotFound(_("No such order."))
        elif not is_store_staff(user=actor, store=store):
            raise ReturnNotFound(_("You do not work in this store."))
        if idempotency_key:
            existing = ReturnRequest.objects.filter(
                customer_id=order.customer_id, idempotency_key=idempotency_key
            ).first()
            if existing is not None:
                return existing
        if order.status != OrderStatus.COLLECTED:
            raise ReturnError(_("Only collected orders can be returned."))
        chosen = _clean_lines(order, lines)
        quantity_refusals = _quantity_refusals(order, chosen, returned_quantities(order=order))
        if quantity_refusals:
            raise ReturnRefused(quantity_refusals, overridable=False)
        ends = return_window_ends(order=order)
        override_by = None
        if ends is None:  # a collected order without its collection time: no window to judge by
            refusal = _(
                "Order %(number)s has no collection date, so its return window is unknown."
            ) % {"number": order.number}
        elif timezone.localdate() > ends:
            refusal = _("The return window for order %(number)s ended on %(date)s.") % {
                "number": order.number,
                "date": ends.strftime("%d.%m.%Y"),
            }
        else:
            refusal = ""
        if refusal:
            can_override = store is not None and is_store_manager(user=actor, store=store)
            if not (can_override and override_reason):
                raise ReturnRefused([refusal], overridable=can_override)
            override_by = actor
        ret = _create_with_code(
            order=order,
            customer_id=order.customer_id,
            reason=reason,
            comment=comment,
            created_by=actor,
            override_reason=override_reason if override_by else "",
            override_by=override_by,
            idempotency_key=idempotency_key,
        )
        ReturnLine.objects.bulk_create(
            ReturnLine(return_request=ret, order_line=line, quantity=quantity)
            for line, quantity in chosen.values()
        )
        note: str | StoredText = (
            RETURN_EVENT_TEXTS.make("started_at_counter", store=store.name) if store else ""
        )
        if override_by:
            note = RETURN_EVENT_TEXTS.make("window_overridden", reason=override_reason)
        status_event_record(
            ReturnEvent,
            return_request=ret,
            actor=actor,
            to_status=ReturnStatus.REQUESTED,
            store=store,
            note=note,
        )
    return ret


def _create_with_code(**fields: Any) -> ReturnRequest:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return ReturnRequest.objects.create(code=return_code_generate(), **fields)
        except IntegrityError:
            if (
                fields["idempotency_key"]
                and ReturnRequest.objects.filter(
                    customer_id=fields["customer_id"], idempotency_key=fields["idempotency_key"]
                ).exists()
            ):
                raise ReturnError(_("This return is already being started.")) from None
    raise ReturnError(_("Could not create a return code; please try again."))


def return_cancel(*, ret: ReturnRequest, actor: User | None) -> ReturnRequest:
    """The shopper changes their mind before bringing anything back: the units are free again."""
    with transaction.atomic():
        _lock_order(ret.order)
        ret = _lock_return(ret)
        if actor is None or actor.pk != ret.customer_id:
            raise ReturnNotFound(_("No such return."))
        if ret.status != ReturnStatus.REQUESTED:
            raise ReturnError(
                _("Only a return that has not been brought to a store can be cancelled.")
            )
        _move(
            ret,
            ReturnStatus.CLOSED,
            actor=actor,
            note=RETURN_EVENT_TEXTS.make("cancelled_by_customer"),
        )
        ret.save(update_fields=["status"])
    return ret


# --- receiving in a store ------------------------------------------------------------------


def return_receive(
    *,
    ret: ReturnRequest,
    store: Store,
    actor: User,
    inspections: Mapping[int, LineInspection],
) -> ReturnRequest:
    """The parcel is at the counter of `store` (any store of the chain): inspect every line.

    `inspections` maps each return line id to its condition. Sellable units go back onto this
    store's shelf (RETURN_RESTOCK), damaged ones are received and written off, rejected ones
    need a reason. The refund of each accepted line is fixed here (see `returns.refunds`).
    When every line is rejected the return ends as rejected.
    """
    if not is_store_staff(user=actor, store=store):
        raise ReturnNotFound(_("You do not work in this store."))
    with transaction.atomic():
        order = _lock_order(ret.order)
        ret = _lock_return(ret)
        if ret.status != ReturnStatus.REQUESTED:
            raise ReturnError(
                _("Return %(code)s was already processed (%(status)s).")
                % {"code": ret.code, "status": ret.get_status_display()}
            )
        # Stock rows are changed in one fixed order (by variant) so receipts cannot deadlock.
        lines = list(ret.lines.select_related("order_line").order_by("order_line__variant_id"))
        _check_inspections(lines, inspections)
        order_lines = list(order.lines.all())
        net = line_net_cents(order, order_lines)
        accepted_before = _accepted_units(order, exclude=ret)
        already = returned_quantities(order=order, exclude=ret)
        refusals = _quantity_refusals(
            order,
            {
                line.order_line_id: (line.order_line, line.quantity)
                for line in lines
                if inspections[line.pk].condition in ACCEPTED_CONDITIONS
            },
            already,
        )
        if refusals:
            raise ReturnRefused(refusals, overridable=False)
        for line in lines:
            inspection = inspections[line.pk]
            line.condition = inspection.condition
            line.reject_reason = (
                inspection.reject_reason.strip()[:255]
                if line.condition == LineCondition.REJECTED
                else ""
            )
            if line.condition in ACCEPTED_CONDITIONS:
                ol = line.order_line
                line.refund_amount = from_cents(
                    units_value_cents(
                        net[ol.pk],
                        line.quantity,
                        accepted_before.get(ol.pk, 0),
                        ol.quantity_to_collect,
                    )
                )
                _restock(line, store=store, actor=actor, reference=ret.code)
            else:
                line.refund_amount = Decimal("0")
        ReturnLine.objects.bulk_update(lines, ["condition", "reject_reason", "refund_amount"])
        all_rejected = all(line.condition == LineCondition.REJECTED for line in lines)
        ret.received_at = timezone.now()
        ret.received_store = store
        ret.received_by = actor
        _move(
            ret,
            ReturnStatus.REJECTED if all_rejected else ReturnStatus.RECEIVED,
            actor=actor,
            store=store,
        )
        ret.save(update_fields=["status", "received_at", "received_store", "received_by"])
        notify_return(ret, "return_received")
        return_webhook(ret, "return.received")
    return ret


def _check_inspections(lines: list[ReturnLine], inspections: Mapping[int, LineInspection]) -> None:
    if set(inspections) != {line.pk for line in lines}:
        raise ReturnError(_("Please inspect every item of the return."))
    for line in lines:
        inspection = inspections[line.pk]
        if inspection.condition not in LineCondition.values:
            raise ReturnError(_("Please choose the condition of every item."))
        if inspection.condition == LineCondition.REJECTED and not inspection.reject_reason.strip():
            raise ReturnError(
                _("%(product)s: please say why it is rejected.")
                % {"product": line.order_line.product_name}
            )


def _accepted_units(order: Order, *, exclude: ReturnRequest) -> dict[int, int]:
    rows = (
        ReturnLine.objects.filter(return_request__order=order, condition__in=ACCEPTED_CONDITIONS)
        .exclude(return_request=exclude)
        .values("order_line_id")
        .annotate(units=Sum("quantity"))
    )
    return {row["order_line_id"]: row["units"] for row in rows}


def _restock(line: ReturnLine, *, store: Store, actor: User, reference: str) -> None:
    variant_id = line.order_line.variant_id
    if line.condition == LineCondition.SELLABLE:
        stock_receive(
            store_id=store.pk,
            variant_id=variant_id,
            quantity=line.quantity,
            user=actor,
            reference=reference,
            kind=MovementKind.RETURN_RESTOCK,
            note=STOCK_MOVEMENT_TEXTS.make("return_restock", code=reference),
        )
    else:
        stock_receive_damaged(
            store_id=store.pk,
            variant_id=variant_id,
            quantity=line.quantity,
            user=actor,
            reference=reference,
            note=STOCK_MOVEMENT_TEXTS.make("return_damaged", code=reference),
        )


def _require_receiving_staff(ret: ReturnRequest, store: Store, actor: User) -> None:
    if not is_store_staff(user=actor, store=store) or ret.received_store_id != store.pk:
        raise ReturnNotFound(_("No such return in your store."))


# --- refund ----------------------------------------------------------------------------------


def return_refund(*, ret: ReturnRequest, store: Store, method: str, actor: User) -> Refund:
    """Give the money back for the accepted lines, once, at the store that received them.

    Loyalty points earned on the returned goods are taken back (one ledger entry per line,
    source "return:<code>:<line>"); points the shopper already spent cannot be, so their
    value is deducted from the refund and shown on it. With `store_credit` the amount lands on
    the shopper's store-credit ledger. A second call returns the refund already issued.
    """
    if method not in RefundMethod.values:
        raise ReturnError(_("Please choose how the money is refunded."))
    with transaction.atomic():
        _lock_order(ret.order)
        ret = _lock_return(ret)
        _require_receiving_staff(ret, store, actor)
        existing = Refund.objects.filter(return_request=ret).first()
        if existing is not None:
            return existing
        if ret.status != ReturnStatus.RECEIVED:
            raise ReturnError(
                _("Return %(code)s is %(status)s; only received returns can be refunded.")
                % {"code": ret.code, "status": ret.get_status_display().lower()}
            )
        order = ret.order
        accepted = [
            line
            for line in ret.lines.select_related("order_line")
            if line.condition in ACCEPTED_CONDITIONS
        ]
        gross = sum((line.refund_amount for line in accepted), Decimal("0"))
        if gross <= 0:
            raise ReturnError(_("Nothing to refund on return %(code)s.") % {"code": ret.code})
        taken, missing = _take_back_points(order, ret, accepted, store)
        deducted = min(points.value(missing), gross)
        refund = Refund.objects.create(
            return_request=ret,
            amount=gross - deducted,
            method=method,
            points_taken_back=taken,
            points_deducted_value=deducted,
            created_by=actor,
        )
        if method == RefundMethod.ORIGINAL_ONLINE and refund.amount > 0:
            # Per line with its VAT rate, for the credit note (docs/prices.md); a refusal of the
            # provider undoes the whole refund.
            try:
                payment_refund(
                    order=order,
                    cents=to_cents(refund.amount),
                    reference=f"return:{ret.code}",
                    lines=[
                        RefundLine(
                            sku=line.order_line.sku,
                            name=line.order_line.product_name,
                            quantity=line.quantity,
                            gross=line.refund_amount,
                            vat_rate=line.order_line.vat_rate,
                        )
                        for line in accepted
                    ],
                )
            except PaymentError as exc:
                raise ReturnError(str(exc)) from None
        if method == RefundMethod.STORE_CREDIT and refund.amount > 0:
            store_credit_add(
                user=ret.customer,
                amount=refund.amount,
                source=f"refund:{ret.code}",
                note=STORE_CREDIT_TEXTS.make("refund", code=ret.code),
            )
        _move(
            ret,
            ReturnStatus.REFUNDED,
            actor=actor,
            store=store,
            note=RETURN_EVENT_TEXTS.make("refunded", amount=refund.amount, method=refund.method),
        )
        ret.save(update_fields=["status"])
        notify_return(ret, "refund_issued")
        return_webhook(ret, "return.refunded")
    return refund


def _take_back_points(
    order: Order, ret: ReturnRequest, accepted: list[ReturnLine], store: Store
) -> tuple[int, int]:
    """(points taken back, points that could not be) for the accepted lines of `ret`."""
    earned = points.earned_on_order(order)
    if earned <= 0:
        return 0, 0
    paid = sum(line_net_cents(order, list(order.lines.all())).values())
    value_before = to_cents(
        ReturnLine.objects.filter(return_request__order=order, return_request__refund__isnull=False)
        .exclude(return_request=ret)
        .aggregate(total=Sum("refund_amount"))["total"]
        or Decimal("0")
    )
    taken = missing = 0
    for line in accepted:
        value_after = value_before + to_cents(line.refund_amount)
        share = points_share(earned, value_before, value_after, paid)
        value_before = value_after
        if share <= 0:
            continue
        not_taken = points.take_back(
            user=ret.customer,
            points=share,
            source=f"return:{ret.code}:{line.pk}",
            amount=line.refund_amount,
            store=store,
        )
        taken += share - not_taken
        missing += not_taken
    return taken, missing


def return_close(*, ret: ReturnRequest, store: Store, actor: User, note: str) -> ReturnRequest:
    """End a received return without a refund (for example not eligible), with the reason."""
    note = (note or "").strip()
    if not note:
        raise ReturnError(_("Please say why the return is closed without a refund."))
    with transaction.atomic():
        ret = _lock_return(ret)
        _require_receiving_staff(ret, store, actor)
        if ret.status != ReturnStatus.RECEIVED:
            raise ReturnError(_("Only a received return without a refund can be closed."))
        _move(ret, ReturnStatus.CLOSED, actor=actor, store=store, note=note)
        ret.save(update_fields=["status"])
    return ret
