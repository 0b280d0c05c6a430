from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from stores.models import Store
from stores.selectors import staff_stores

from .services import MAX_PURCHASE, RECEIPT_MAX_LENGTH


class DeskForm(forms.Form):
    """The associate's store (one of theirs) and a scanned or typed card number."""

    store = forms.ModelChoiceField(
        label=_("Store"), queryset=Store.objects.none(), to_field_name="code", empty_label=None
    )
    card_number = forms.CharField(
        label=_("Card, e-mail or phone"),
        max_length=254,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autofocus": True,
                "spellcheck": "false",
                "placeholder": _("Scan the card or type e-mail or phone"),
            }
        ),
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = staff_stores(user=staff).active().order_by("name")


class DeskPurchaseForm(DeskForm):
    amount = forms.DecimalField(
        label=_("Amount (€)"),
        min_value=Decimal("0.01"),
        max_value=MAX_PURCHASE,
        max_digits=10,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "autofocus": True}
        ),
    )
    receipt_number = forms.CharField(
        label=_("Receipt number"),
        max_length=RECEIPT_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class PointsAdjustForm(forms.Form):
    points = forms.IntegerField(
        label=_("Points"),
        help_text=_("Positive to add, negative to take away."),
        min_value=-1_000_000,
        max_value=1_000_000,
    )
    reason = forms.CharField(label=_("Reason"), max_length=255, widget=forms.Textarea({"rows": 3}))


class DeskRedeemForm(DeskForm):
    """Points used at the till: the receipt's total and number, and how many points."""

    points = forms.IntegerField(
        label=_("Points to redeem"),
        min_value=1,
        max_value=10_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    amount = forms.DecimalField(
        label=_("Receipt total (€)"),
        min_value=Decimal("0.01"),
        max_value=MAX_PURCHASE,
        max_digits=10,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    receipt_number = forms.CharField(
        label=_("Receipt number"),
        max_length=RECEIPT_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
