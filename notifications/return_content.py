"""What the return notifications show (kinds `return_received`, `refund_issued`)."""


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
