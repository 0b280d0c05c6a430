"""The return notifications: kinds `return_received` and `refund_issued`, what they show, and who
hears about them. Registered in ReturnsConfig.ready(); templates in returns/templates."""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import Kind
from notifications.services import Recipient, notify


def return_context(ret) -> dict:
    refund = getattr(ret, "refund", None)  # the reverse one-to-one raises when missing
    return {
        "ret": ret,
        "order": ret.order,
        "store": ret.received_store,
        "lines": list(ret.lines.select_related("order_line")),
        "refund": refund,
    }


def return_link(ret) -> str:
    return ret.get_absolute_url()


KINDS = (
    Kind(
        "return_received",
        _("We received your return {ret.code}"),
        context=return_context,
        link=return_link,
        description=_("Shopper: a return was checked in a store"),
    ),
    Kind(
        "refund_issued",
        _("Your refund for return {ret.code}"),
        context=return_context,
        link=return_link,
        description=_("Shopper: the money for a return was refunded"),
    ),
)


def notify_return(ret, kind: str) -> None:
    """Tell the shopper what happened to their return, inside the service's transaction.

    `kind` is "return_received" or "refund_issued"; a repeat sends nothing twice."""
    order = ret.order
    notify(
        kind=kind,
        subject=ret,
        recipients=[Recipient(user=ret.customer, email=order.email, language=order.language)],
    )
