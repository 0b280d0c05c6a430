"""QR codes for pickup, return and card codes, as SVG for pages and PNG for e-mails."""

import io

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_code(data: str) -> segno.QRCode:
    """A regular QR code of `data`. Never a Micro QR, which segno would pick for short codes and
    which phone cameras and most counter scanners cannot read."""
    return segno.make_qr(data, error="m")


def qr_png(data: str) -> bytes:
    buffer = io.BytesIO()
    qr_code(data).save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


def qr_svg_inline(data: str, *, title: str = "", dark: str = "#111") -> SafeString:
    """Inline SVG markup. segno builds it from `data` alone, and our codes are digits and our own
    alphabet, so there is nothing user-supplied to escape."""
    svg = qr_code(data).svg_inline(border=2, omitsize=True, title=title or None, dark=dark)
    return mark_safe(svg)  # noqa: S308


def qr_svg_data_uri(data: str) -> str:
    """An SVG data URI, for an <img> on a page."""
    return qr_code(data).svg_data_uri(scale=6, border=2)
