"""EAN-13 barcodes drawn as SVG from the GS1 encoding tables, for the card page.

An EAN-13 symbol has 95 modules: start guard 101, six left digits of 7 modules in code set L or G
(the pattern of L and G encodes the first digit, which has no bars of its own), the centre guard
01010, six right digits in code set R, and the end guard 101.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from . import ean

L_CODES = (
    "0001101",
    "0011001",
    "0010011",
    "0111101",
    "0100011",
    "0110001",
    "0101111",
    "0111011",
    "0110111",
    "0001011",
)
G_CODES = (
    "0100111",
    "0110011",
    "0011011",
    "0100001",
    "0011101",
    "0111001",
    "0000101",
    "0010001",
    "0001001",
    "0010111",
)
R_CODES = (
    "1110010",
    "1100110",
    "1101100",
    "1000010",
    "1011100",
    "1001110",
    "1010000",
    "1000100",
    "1001000",
    "1110100",
)
# Code sets of the six left digits, chosen by the first digit.
FIRST_DIGIT_PARITY = (
    "LLLLLL",
    "LLGLGG",
    "LLGGLG",
    "LLGGGL",
    "LGLLGG",
    "LGGLLG",
    "LGGGLL",
    "LGLGLG",
    "LGLGGL",
    "LGGLGL",
)
START_GUARD = END_GUARD = "101"
CENTRE_GUARD = "01010"

QUIET_LEFT = 11  # room for the first digit, printed left of the bars
QUIET_RIGHT = 7
BAR_HEIGHT = 60
GUARD_HEIGHT = 66
TEXT_Y = 74
HEIGHT = 76


def modules(code: str) -> str:
    """The 95 modules of an EAN-13 symbol, '1' for a dark bar module."""
    if not ean.is_valid(code):
        raise ValueError("Not a valid EAN-13 number.")
    digits = [int(c) for c in code]
    parity = FIRST_DIGIT_PARITY[digits[0]]
    left = "".join(
        (L_CODES if p == "L" else G_CODES)[d] for p, d in zip(parity, digits[1:7], strict=True)
    )
    right = "".join(R_CODES[d] for d in digits[7:])
    return START_GUARD + left + CENTRE_GUARD + right + END_GUARD


def _is_guard(index: int) -> bool:
    return index < 3 or 45 <= index < 50 or index >= 92


def _bars(pattern: str) -> list[tuple[int, int, int]]:
    """(x, width, height) of each run of dark modules; guard bars are drawn longer."""
    bars = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "1":
            start = i
            while i < len(pattern) and pattern[i] == "1" and _is_guard(i) == _is_guard(start):
                i += 1
            height = GUARD_HEIGHT if _is_guard(start) else BAR_HEIGHT
            bars.append((QUIET_LEFT + start, i - start, height))
        else:
            i += 1
    return bars


def svg(code: str, *, label: str = "") -> SafeString:
    """An inline SVG of the barcode with the digits under it; scales to its container's width."""
    pattern = modules(code)
    width = QUIET_LEFT + len(pattern) + QUIET_RIGHT
    rects = format_html_join(
        "",
        '<rect x="{}" y="0" width="{}" height="{}"/>',
        _bars(pattern),
    )
    # Digit positions: first digit in the left quiet zone, then centred under each 7-module digit.
    text_x = [QUIET_LEFT - 4]
    text_x += [QUIET_LEFT + 3 + 7 * i + 3.5 for i in range(6)]
    text_x += [QUIET_LEFT + 50 + 7 * i + 3.5 for i in range(6)]
    texts = format_html_join(
        "",
        '<text x="{}" y="{}">{}</text>',
        ((x, TEXT_Y, d) for x, d in zip(text_x, code, strict=True)),
    )
    return format_html(
        '<svg class="ean13" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img"'
        ' aria-label="{}" shape-rendering="crispEdges" data-ean="{}">'
        '<rect width="100%" height="100%" fill="#fff"/>'
        '<g fill="#000">{}</g>'
        '<g font-family="monospace" font-size="9" text-anchor="middle" fill="#000">{}</g></svg>',
        width,
        HEIGHT,
        label or code,
        code,
        rects,
        texts,
    )
