"""Return codes: 8 characters from the pickup-code alphabet (no look-alikes), and their QR."""

from shop.pickup_codes import (
    code_qr,
    pickup_code_format,
    pickup_code_generate,
    pickup_code_normalize,
)

return_code_generate = pickup_code_generate
return_code_normalize = pickup_code_normalize
return_code_format = pickup_code_format


def return_code_qr_svg(code: str) -> str:
    """An inline SVG data URI of the QR code, for an <img> on the shopper's page."""
    return code_qr(code).svg_data_uri(scale=6, border=2)
