"""The signature of a delivery: HMAC-SHA256 with the endpoint's secret over "<timestamp>.<body>".

Header: `X-Omnishop-Signature: t=<unix seconds>,v1=<hex digest>` (docs/webhooks.md shows how a
receiver checks it). `signature_verify` is the receiver's side, used by the tests and offered to
anyone writing a receiver in Python.
"""

import hashlib
import hmac
import time


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret=secret, timestamp=timestamp, body=body)}"


def signature_verify(
    *, secret: str, header: str, body: bytes, tolerance: int = 300, now: float | None = None
) -> bool:
    """True when `header` signs `body` with `secret` and its time is within `tolerance` s."""
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _sep, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = signature(secret=secret, timestamp=timestamp, body=body)
    return any(hmac.compare_digest(expected, given) for given in parts.get("v1", []))
