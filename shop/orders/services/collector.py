"""Someone else collects: the shopper names a person who gets their own pickup code.

The handover (`order_collect`, `order_collect_by_code`) accepts either code, through the same
rate limit, and records who collected; the shopper then gets a proof of pickup.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.events import status_event_record
from shop.orders.errors import OrderInvalid, OrderNotFound
from shop.orders.models import Order, OrderEvent
from shop.orders.notifications import notify_order_collector
from shop.orders.pickup_codes import pickup_code_generate
from shop.orders.services.orders import _lock
from shop.orders.texts import ORDER_EVENT_TEXTS

NAME_MAX = 100


@transaction.atomic
def order_collector_set(*, order: Order, actor: User, name: str, email: str = "") -> Order:
    """The customer names who collects `order` (or, with an empty name, takes it back).

    A new person gets a fresh code, so a code forwarded earlier stops working. Allowed while the
    order is open; the person named gets their pickup link by e-mail when an address is given.
    """
    order = _lock(order)
    if actor.pk != order.customer_id:
        raise OrderNotFound(_("No such order."))
    if not order.is_open:
        raise OrderInvalid(
            _("Order %(number)s is %(status)s; nobody else can collect it now.")
            % {"number": order.number, "status": order.get_status_display().lower()}
        )
    name = " ".join((name or "").split())
    email = (email or "").strip()
    if len(name) > NAME_MAX:
        raise OrderInvalid(_("The name may have at most %(max)d characters.") % {"max": NAME_MAX})
    if email:
        if not name:
            raise OrderInvalid(_("Please give the name of the person who collects."))
        try:
            validate_email(email)
        except ValidationError:
            raise OrderInvalid(_("Please give a valid e-mail address.")) from None
    if name == order.collector_name and email == order.collector_email:
        return order
    order.collector_name = name
    order.collector_email = email
    order.collector_code = pickup_code_generate() if name else ""
    while order.collector_code and order.collector_code == order.pickup_code:
        order.collector_code = pickup_code_generate()
    order.save(update_fields=["collector_name", "collector_email", "collector_code"])
    note = (
        ORDER_EVENT_TEXTS.make("collector_set", name=name)
        if name
        else ORDER_EVENT_TEXTS.make("collector_cleared")
    )
    status_event_record(
        OrderEvent,
        order=order,
        actor=actor,
        from_status=order.status,
        to_status=order.status,
        note=note,
    )
    if name and email:
        notify_order_collector(order)
    return order
