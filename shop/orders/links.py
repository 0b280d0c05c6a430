"""Signed links that work without signing in: the rescue choice and the collector's pickup page.

Each token names one object and carries what must still hold for it to work (the collector's
code), so a link stops working once the shopper names someone else.
"""

from django.core import signing
from django.urls import reverse

RESCUE_SALT = "orders.rescue"
COLLECTOR_SALT = "orders.collector"


def _sign(data: dict, salt: str) -> str:
    # Without a timestamp: the same object always gets the same link (page, e-mail, API docs).
    return signing.Signer(salt=salt).sign_object(data, compress=False)


def _read(token: str, salt: str) -> dict:
    return signing.Signer(salt=salt).unsign_object(token)


def rescue_token(rescue) -> str:
    return _sign({"r": rescue.pk, "o": str(rescue.order.public_id)}, RESCUE_SALT)


def rescue_token_read(token: str) -> tuple[int, str] | None:
    """(rescue id, order public id) of a valid token, else None."""
    try:
        data = _read(token, RESCUE_SALT)
        return int(data["r"]), str(data["o"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def rescue_url(rescue) -> str:
    return reverse("pickup:order_rescue", kwargs={"token": rescue_token(rescue)})


def collector_token(order) -> str:
    return _sign({"o": str(order.public_id), "c": order.collector_code}, COLLECTOR_SALT)


def collector_token_read(token: str) -> tuple[str, str] | None:
    """(order public id, collector code) of a valid token, else None."""
    try:
        data = _read(token, COLLECTOR_SALT)
        return str(data["o"]), str(data["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def collector_url(order) -> str:
    return reverse("pickup:order_collect_link", kwargs={"token": collector_token(order)})
