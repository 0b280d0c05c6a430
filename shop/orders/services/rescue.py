"""The short-pick rescue: what happens to units an associate could not find.

`order_mark_line_short` opens a `ShortPickRescue` for the missing units and tells the shopper.
The shopper answers with `order_rescue_choose` (the order page, the signed e-mail link and the
API all call it):

- `other_store`: a second pickup order for the missing units at the nearest store that has them,
  placed through `order_place` (reserved at once, its own pickup code), linked to the rescue;
- `drop`: the units stay off the order; the total, points and store credit already shrank when
  they were marked short (`_settlement_shrink`), so nothing more moves;
- `cancel`: the whole order is cancelled through `order_cancel` (stock, points and credit back).

While a rescue is open the order cannot be marked ready. With no answer by its deadline,
`rescue_time_out` (the job `drop_unanswered_rescues`) drops the units and the order proceeds.
An order whose every unit was short is offered the rescue too (when another store has the
goods); once its last rescue is decided and nothing is left to hand over, it is cancelled.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.events import status_event_record
from core.texts import StoredText
from shop.orders.errors import OrderInvalid, OrderNotFound, RescueClosed, RescueNoStore
from shop.orders.models import Order, OrderEvent, RescueChoice, ShortPickRescue
from shop.orders.selectors.rescue import rescue_stores
from shop.orders.services.orders import (
    _close_if_nothing_left,
    _lock,
    order_cancel,
    order_place,
)
from shop.orders.texts import ORDER_EVENT_TEXTS
from stores.models import Store

CHOICES = (RescueChoice.OTHER_STORE, RescueChoice.DROP, RescueChoice.CANCEL)


def _lock_rescue(rescue: ShortPickRescue) -> tuple[Order, ShortPickRescue]:
    """The order row first, then the rescue row (the lock order of every order service)."""
    order = _lock(Order(pk=rescue.order_id))
    locked = (
        ShortPickRescue.objects.select_for_update(of=("self",))
        .select_related("line")
        .get(pk=rescue.pk, order=order)
    )
    locked.order = order
    return order, locked


def _event(order: Order, actor: User | None, note: StoredText) -> None:
    status_event_record(
        OrderEvent,
        order=order,
        actor=actor,
        from_status=order.status,
        to_status=order.status,
        note=note,
    )


@transaction.atomic
def order_rescue_choose(
    *,
    rescue: ShortPickRescue,
    choice: str,
    actor: User,
    store: Store | None = None,
) -> ShortPickRescue:
    """The order's customer decides what happens to the missing units of `rescue`.

    `store` (only for `other_store`) must be one of `rescue_stores`; without it the nearest is
    taken. Asking again for what was already chosen returns the rescue unchanged (a second click
    on the e-mail link); another choice after the decision raises RescueClosed.
    """
    order, rescue = _lock_rescue(rescue)
    if actor.pk != order.customer_id:
        raise OrderNotFound(_("No such order."))
    if choice not in CHOICES:
        raise OrderInvalid(_("Please choose one of the offered options."))
    if not rescue.is_open:
        if rescue.choice == choice:
            return rescue
        raise RescueClosed(
            _("This was already decided: %(choice)s.") % {"choice": rescue.get_choice_display()}
        )
    line = rescue.line
    what = _("%(units)d × %(sku)s") % {"units": rescue.units, "sku": line.sku}
    if choice == RescueChoice.OTHER_STORE:
        candidates = rescue_stores(rescue=rescue)
        if store is None:
            chosen = candidates[0] if candidates else None
        else:
            chosen = next((c for c in candidates if c.pk == store.pk), None)
            if chosen is None:
                raise OrderInvalid(
                    _("%(store)s cannot hand over these items; please choose another store.")
                    % {"store": store.name}
                )
        if chosen is None:
            raise RescueNoStore(
                _("No other store has %(what)s right now. Please drop the items or cancel.")
                % {"what": what}
            )
        rescue.rescue_order = order_place(
            customer=order.customer,
            store=chosen,
            lines=[(line.variant, rescue.units)],
            phone=order.phone,
            idempotency_key=f"rescue:{order.number}:{rescue.pk}",
        )
        note = ORDER_EVENT_TEXTS.make(
            "rescue_other_store",
            units=rescue.units,
            sku=line.sku,
            store=chosen.name,
            number=rescue.rescue_order.number,
        )
    elif choice == RescueChoice.DROP:
        note = ORDER_EVENT_TEXTS.make("rescue_dropped", units=rescue.units, sku=line.sku)
    else:
        note = ORDER_EVENT_TEXTS.make("rescue_cancelled")
    rescue.choice = choice
    rescue.chosen_by = actor
    rescue.chosen_at = timezone.now()
    rescue.save(update_fields=["choice", "chosen_by", "chosen_at", "rescue_order"])
    if choice == RescueChoice.CANCEL:
        order_cancel(order=order, actor=actor, reason=note)
        return rescue
    _event(order, actor, note)
    if rescue.rescue_order is not None:
        _close_if_nothing_left(
            order,
            actor=actor,
            note=ORDER_EVENT_TEXTS.make(
                "nothing_left_collected_elsewhere", store=rescue.rescue_order.store.name
            ),
            notify=False,  # the shopper chose this and gets the new order's confirmation
        )
    else:
        _close_if_nothing_left(
            order, actor=actor, note=ORDER_EVENT_TEXTS.make("nothing_left"), notify=True
        )
    return rescue


@transaction.atomic
def rescue_time_out(*, rescue: ShortPickRescue) -> bool:
    """No answer by the deadline: the missing units are dropped and the order proceeds.

    Returns whether it timed out now (False when answered meanwhile or not yet due)."""
    order, rescue = _lock_rescue(rescue)
    now = timezone.now()
    if not rescue.is_open or rescue.deadline > now:
        return False
    rescue.choice = RescueChoice.TIMED_OUT
    rescue.chosen_at = now
    rescue.save(update_fields=["choice", "chosen_at"])
    _event(
        order,
        None,
        ORDER_EVENT_TEXTS.make("rescue_timed_out", units=rescue.units, sku=rescue.line.sku),
    )
    _close_if_nothing_left(
        order, actor=None, note=ORDER_EVENT_TEXTS.make("nothing_left"), notify=True
    )
    return True
