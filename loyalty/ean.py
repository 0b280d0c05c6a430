"""EAN-13 check digits and loyalty card numbers from the in-store prefix range 20–29.

GS1 reserves the prefixes 20–29 for numbers a retailer assigns itself, so a till scanner
reads and verifies our card numbers without clashing with any product barcode.
"""

import secrets

IN_STORE_PREFIXES = range(20, 30)


def check_digit(first12: str) -> int:
    """The 13th digit for 12 digits: weights 1, 3, 1, 3, … from the left, then to the next ten."""
    if len(first12) != 12 or not first12.isdigit() or not first12.isascii():
        raise ValueError("An EAN-13 check digit is computed from exactly 12 digits.")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - total % 10) % 10


def is_valid(code: str) -> bool:
    """13 ASCII digits whose last one is the check digit of the first twelve."""
    if len(code) != 13 or not code.isdigit() or not code.isascii():
        return False
    return int(code[12]) == check_digit(code[:12])


def is_in_store(code: str) -> bool:
    return is_valid(code) and int(code[:2]) in IN_STORE_PREFIXES


def card_number_generate() -> str:
    """A random, valid EAN-13 with a prefix 20–29 (10 random digits: 10^11 possible numbers)."""
    prefix = 20 + secrets.randbelow(len(IN_STORE_PREFIXES))
    body = f"{prefix}{secrets.randbelow(10**10):010d}"
    return f"{body}{check_digit(body)}"


def normalise(raw: str) -> str:
    """What a person typed or a scanner sent, without spaces and dashes."""
    return "".join((raw or "").split()).replace("-", "")
