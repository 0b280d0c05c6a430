"""Return codes: 8 characters a person can read out and type, and their QR image."""

import secrets

import segno

# No 0/O, 1/I/L, 5/S, 2/Z, 8/B: nothing that looks like something else on a phone screen.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 8


def return_code_generate() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def return_code_normalize(raw: str) -> str:
    """What an associate typed or a scanner sent: case, spaces and dashes do not matter."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:32]


def return_code_qr_svg(code: str) -> str:
    """An inline SVG data URI of the QR code, for an <img> on the shopper's page."""
    return segno.make(code, error="m").svg_data_uri(scale=6, border=2)
