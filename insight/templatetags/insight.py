"""Cells of the dashboard's tables in the reader's language: money, shares, hours, days."""

from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from core.templatetags.money import format_money, format_percent

register = template.Library()

DASH = "–"


def _number(value, places: int) -> str:
    return number_format(value, places, use_l10n=True, force_grouping=True)


def format_cell(value, kind: str, *, change: bool = False) -> str:
    if isinstance(value, tuple):
        kind, value = value
    if value is None:
        return DASH
    sign = "+" if change and value > 0 else ""
    if kind == "money":
        return sign + format_money(value)
    if kind == "share":
        text = format_percent(Decimal(str(round(float(value) * 100, 1))))
        return (
            _("%(sign)s%(points)s pp") % {"sign": sign, "points": text.rstrip("% \u00a0")}
            if change
            else text
        )
    if kind == "hours":
        return sign + _("%(hours)s h") % {"hours": _number(value, 1)}
    if kind == "days":
        return sign + _("%(days)s days") % {"days": _number(value, 1)}
    if kind == "ratio":
        return sign + _number(value, 2)
    if kind == "nps":
        return sign + _number(value, 0)
    if kind == "date":
        return date_format(timezone.localtime(value), "SHORT_DATE_FORMAT")
    if kind == "int":
        return sign + _number(value, 0)
    return str(value)


@register.simple_tag
def cell(value, kind, change=False):
    return format_cell(value, kind, change=change)


@register.filter
def is_negative_change(value) -> bool:
    if isinstance(value, tuple):
        value = value[1]
    return value is not None and value < 0
