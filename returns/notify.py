"""Tell the shopper what happened to their return; called inside the service's transaction."""

from notifications.services import Recipient, notify


def notify_return(ret, kind: str) -> None:
    """`kind` is "return_received" or "refund_issued"; a repeat sends nothing twice."""
    order = ret.order
    notify(
        kind=kind,
        subject=ret,
        recipients=[Recipient(user=ret.customer, email=order.email, language=order.language)],
    )
