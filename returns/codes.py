"""Return codes: 8 characters from the pickup-code alphabet (no look-alikes), and their QR."""

import secrets

import segno

from shop.pickup_codes import ALPHABET, CODE_LENGTH, pickup_code_format, pickup_code_normalize

return_code_normalize = pickup_code_normalize
return_code_format = pickup_code_format


def return_code_generate() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def return_code_qr_svg(code: str) -> str:
    """An inline SVG data URI of the QR code, for an <img> on the shopper's page."""
    return segno.make(code, error="m").svg_data_uri(scale=6, border=2)
