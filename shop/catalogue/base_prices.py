"""The base price (Grundpreis, § 4 and § 5 PAngV): what a reference quantity of a good costs.

A variant sold by weight, volume, length or area carries its net quantity and unit. Its base price
is given per 1 kg, 1 l, 1 m or 1 m²; for goods of at most 250 g or 250 ml per 100 g or 100 ml.
The price is rounded half-up to the cent.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.templatetags.money import format_money

CENT = Decimal("0.01")
SMALL_PACK_MAX = Decimal("250")  # g or ml


class QuantityUnit(models.TextChoices):
    GRAM = "g", _("g (gram)")
    KILOGRAM = "kg", _("kg (kilogram)")
    MILLILITRE = "ml", _("ml (millilitre)")
    LITRE = "l", _("l (litre)")
    METRE = "m", _("m (metre)")
    SQUARE_METRE = "m2", _("m² (square metre)")


# unit → (unit of the small reference, factor to it, unit of the large reference)
_SCALES: dict[str, tuple[str, Decimal, str]] = {
    QuantityUnit.GRAM: ("g", Decimal(1), "kg"),
    QuantityUnit.KILOGRAM: ("g", Decimal(1000), "kg"),
    QuantityUnit.MILLILITRE: ("ml", Decimal(1), "l"),
    QuantityUnit.LITRE: ("ml", Decimal(1000), "l"),
}
SYMBOLS = {"m2": "m²"}


@dataclass(frozen=True)
class BasePrice:
    """`price` for `quantity` `unit`, e.g. 12.90 for 1 kg or 4.95 for 100 ml."""

    quantity: int
    unit: str  # the symbol: g, kg, ml, l, m, m²
    price: Decimal


def base_price(*, price, net_quantity, unit: str) -> BasePrice | None:
    """The base price of a pack of `net_quantity` `unit` at `price`; None without both."""
    try:
        price = Decimal(price)
        amount = Decimal(net_quantity)
    except (InvalidOperation, TypeError, ValueError):
        return None
    if not unit or amount <= 0:
        return None
    if unit in _SCALES:
        small, factor, large = _SCALES[unit]
        small_amount = amount * factor
        if small_amount <= SMALL_PACK_MAX:
            return BasePrice(100, small, _cents(price * 100 / small_amount))
        return BasePrice(1, large, _cents(price * 1000 / small_amount))
    if unit in (QuantityUnit.METRE, QuantityUnit.SQUARE_METRE):
        return BasePrice(1, SYMBOLS.get(unit, unit), _cents(price / amount))
    return None


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def net_quantity_text(net_quantity, unit: str, language: str | None = None) -> str:
    """ "750 ml", "0,5 l" (German) / "0.5 l" (English), "2,5 m²"."""
    if net_quantity is None or not unit:
        return ""
    language = (language or translation.get_language() or "de").split("-")[0]
    digits = f"{Decimal(net_quantity).normalize():f}"
    if language != "en":
        digits = digits.replace(".", ",")
    return f"{digits}\u00a0{SYMBOLS.get(unit, unit)}"


def format_base_price(value: BasePrice | None, language: str | None = None) -> str:
    """ "1 kg = 12,90 €" in German, "1 kg = €12.90" in English; "" without a base price."""
    if value is None:
        return ""
    return f"{value.quantity}\u00a0{value.unit} = {format_money(value.price, language)}"
