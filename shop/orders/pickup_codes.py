"""Pickup codes and order numbers: random, short, and easy to read out or type.

The alphabet leaves out characters that look or sound alike (0/O/Q, 1/I/L, U/V, 5/S, 2/Z, 8/B),
so a code read from a phone screen is typed right the first time. Both come from `secrets`:
an order number reveals nothing about how many orders a shop takes.
"""

import re
import secrets

ALPHABET = "34679ACDEFGHJKMNPRTWXY"
CODE_LENGTH = 8
_SEPARATORS = re.compile(r"[\s\-_.]+")


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def pickup_code_generate() -> str:
    """An 8-character code the shopper shows at the counter (22^8 ≈ 5·10^10 possibilities)."""
    return _random(CODE_LENGTH)


def order_number_generate() -> str:
    """A human-friendly order number such as "CC-7K4M-2Q9T"; not sequential."""
    return f"CC-{_random(4)}-{_random(4)}"


def pickup_code_normalize(code: str) -> str:
    """What a person typed or a scanner sent, in the stored form: upper case, no spaces or dashes."""
    return _SEPARATORS.sub("", code or "").upper()


def pickup_code_format(code: str) -> str:
    """For display: "7K4M 2Q9T"."""
    return f"{code[:4]} {code[4:]}" if len(code) == CODE_LENGTH else code
