from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from core.templatetags.money import format_money


@pytest.mark.parametrize(
    ("language", "amount", "expected"),
    [
        ("de", Decimal("1234.5"), "1.234,50\u00a0€"),
        ("en", Decimal("1234.5"), "€1,234.50"),
        ("de", Decimal("0.5"), "0,50\u00a0€"),
        ("en", Decimal("1234567.891"), "€1,234,567.89"),
        ("de", Decimal("-19.99"), "-19,99\u00a0€"),
    ],
)
def test_format_money_per_language(language, amount, expected):
    assert format_money(amount, language) == expected


@pytest.mark.parametrize(("language", "expected"), [("de", "49,90\u00a0€"), ("en", "€49.90")])
def test_money_filter_follows_the_active_language(language, expected):
    with translation.override(language):
        rendered = Template("{% load money %}{{ price|money }}").render(
            Context({"price": Decimal("49.9")})
        )
    assert rendered == expected


def test_money_filter_renders_nothing_for_a_missing_price():
    assert format_money(None, "de") == ""
    assert format_money("abc", "en") == ""
