from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from stores.models import Store

from .services.account import CONSENT_WORDING


class AccountForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("For questions about your pickup orders; staff can find your card by it."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    preferred_store = forms.ModelChoiceField(
        label=_("My store"),
        queryset=Store.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("No store chosen"),
    )
    marketing = forms.BooleanField(label=CONSENT_WORDING, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"


class ErasureForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("Yes, delete my account for good. I have read what happens."), required=True
    )


class CustomerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Card number, e-mail, phone or name"),
        max_length=100,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "inputmode": "search"}
        ),
    )
