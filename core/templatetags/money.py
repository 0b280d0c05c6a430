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


def format_percent(rate, language: str | None = None) -> str:
    """ "19 %" in German (with a no-break space), "19%" in English; "5,5 %" / "5.5%"."""
    try:
        value = Decimal(rate).normalize()
    except (InvalidOperation, TypeError, ValueError):
        return ""
    language = (language or translation.get_language() or "de").split("-")[0]
    digits = f"{value:f}"
    if language == "en":
        return f"{digits}%"
    return f"{digits.replace('.', ',')}{NBSP}%"


def format_vat_note(vat, language: str | None = None) -> str:
    """ "inkl. 19 % MwSt. (3,19 €)" for one rate of a VAT breakdown (core.vat.VatAmount)."""
    with translation.override(language or translation.get_language()):
        return translation.gettext("incl. %(rate)s VAT (%(amount)s)") % {
            "rate": format_percent(vat.rate),
            "amount": format_money(vat.vat),
        }


@register.filter(name="percent")
def percent(rate) -> str:
    return format_percent(rate)


@register.filter(name="vat_note")
def vat_note(vat) -> str:
    return format_vat_note(vat)
