from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import PRICE_RANGES, SORTS, ProductFilters

MAX_FACET_VALUES = 20


def price_labels() -> dict[str, str]:
    """The price facet's ranges as a shopper reads them."""
    labels = {}
    for key, (low, high) in PRICE_RANGES.items():
        if low is None:
            labels[key] = _("under €%(high)s") % {"high": high}
        elif high is None:
            labels[key] = _("€%(low)s and more") % {"low": low}
        else:
            labels[key] = _("€%(low)s–%(high)s") % {"low": low, "high": high}
    return labels


SORT_LABELS = {
    "relevance": _("Best match"),
    "name": _("Name A–Z"),
    "price_asc": _("Price, low to high"),
    "price_desc": _("Price, high to low"),
    "newest": _("Newest"),
}


class ProductFilterForm(forms.Form):
    """The product list's query string; a value that does not fit is ignored, never an error page."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    category = forms.SlugField(label=_("Category"), max_length=120, required=False)
    in_stock = forms.BooleanField(label=_("In stock at my store"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[(key, SORT_LABELS[key]) for key in ("relevance", *SORTS)],
        required=False,
    )

    def value(self, name: str):
        """The cleaned value of a field, or its empty value when it was invalid."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or self.fields[name].to_python(None)

    def filters(self) -> ProductFilters:
        """The chosen facets (repeated parameters brand, size, colour, price); odd values are
        dropped, as any value that fits no product simply finds none."""

        def values(name: str) -> tuple[str, ...]:
            getlist = getattr(self.data, "getlist", None)
            raw = getlist(name) if getlist else [self.data.get(name, "")]
            found = [v.strip()[:100] for v in raw if v and v.strip()]
            return tuple(dict.fromkeys(found))[:MAX_FACET_VALUES]

        return ProductFilters(
            brands=values("brand"),
            sizes=values("size"),
            colours=values("colour"),
            prices=tuple(v for v in values("price") if v in PRICE_RANGES),
        )


class StockAlertForm(forms.Form):
    """Back in stock at my store: the variant and, without login, the address to confirm."""

    variant = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": "name@example.com"}),
    )

    def __init__(self, *args, anonymous: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = anonymous
