"""Tell the shopper what happened to their return (received, refunded)."""


def notify_return(return_id: int, kind: str) -> None:
    """Queue the notification `kind` ("return_received", "refund_issued") for a return."""
