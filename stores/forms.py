from django import forms
from django.utils.translation import gettext_lazy as _

from .geo import InvalidLocation, Point, parse_point


class StoreSearchForm(forms.Form):
    q = forms.CharField(label=_("Postcode or city"), max_length=100, required=False)
    near = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_near(self) -> Point | None:
        value = self.cleaned_data["near"]
        if not value:
            return None
        try:
            return parse_point(value)
        except InvalidLocation as error:
            raise forms.ValidationError(str(error)) from None


class StoreChoiceForm(forms.Form):
    store = forms.SlugField(max_length=20)
    next = forms.CharField(required=False, max_length=2000)
