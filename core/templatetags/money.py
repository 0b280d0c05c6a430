"""Prices in euro, written the way the shopper's language writes them."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import translation

register = template.Library()

NBSP = "\u00a0"
CENT = Decimal("0.01")


def format_money(amount, language: str | None = None) -> str:
    """ "1.234,50 €" in German, "€1,234.50" in English; "" for a value that is not a number."""
    try:
        value = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    language = (language or translation.get_language() or "de").split("-")[0]
    sign = "-" if value < 0 else ""
    digits = f"{abs(value):,.2f}"  # 1,234.50
    if language == "en":
        return f"{sign}€{digits}"
    german = digits.replace(",", NBSP).replace(".", ",").replace(NBSP, ".")
    return f"{sign}{german}{NBSP}€"


@register.filter(name="money")
def money(amount) -> str:
    return format_money(amount)
