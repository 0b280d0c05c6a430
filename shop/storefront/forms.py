from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import SORTS

SORT_LABELS = {
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
        label=_("Sort by"), choices=[(key, SORT_LABELS[key]) for key in SORTS], required=False
    )

    def value(self, name: str):
        """The cleaned value of a field, or its empty value when it was invalid."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or self.fields[name].to_python(None)
