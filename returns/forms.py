"""Forms of the shopper pages and the desk. They only parse; the services decide."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import LineCondition, RefundMethod, ReturnReason
from .services import LineInspection


class ReturnStartForm(forms.Form):
    """Units per order line, a reason and a comment; `token` makes a double submit harmless."""

    reason = forms.ChoiceField(
        label=_("Why are you returning it?"), choices=ReturnReason.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for “Other”."),
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    override_reason = forms.CharField(
        label=_("Manager override: why accept it outside the return window?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, returnable, allow_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.returnable = returnable
        self.fields["token"].initial = uuid.uuid4().hex
        if not allow_override:
            del self.fields["override_reason"]
        for item in returnable:
            self.fields[f"qty_{item.line.pk}"] = forms.TypedChoiceField(
                label=item.line.product_name,
                choices=[(n, n) for n in range(item.returnable + 1)],
                coerce=int,
                initial=0,
                required=False,
                empty_value=0,
            )

    def line_rows(self):
        return [(item, self[f"qty_{item.line.pk}"]) for item in self.returnable]

    def clean(self):
        data = super().clean()
        if data.get("reason") == ReturnReason.OTHER and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Please tell us in a comment why you return the item."))
        if not any(data.get(f"qty_{item.line.pk}") for item in self.returnable):
            raise forms.ValidationError(_("Choose at least one item to return."))
        return data

    def lines(self) -> list[tuple[int, int]]:
        return [
            (item.line.pk, self.cleaned_data[f"qty_{item.line.pk}"])
            for item in self.returnable
            if self.cleaned_data.get(f"qty_{item.line.pk}")
        ]


class ReceiveForm(forms.Form):
    """One condition (and, when rejected, a reason) per return line."""

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.return_lines = lines
        for line in lines:
            self.fields[f"condition_{line.pk}"] = forms.ChoiceField(
                label=_("Condition"),
                choices=LineCondition.choices,
                initial=LineCondition.SELLABLE,
                widget=forms.RadioSelect,
            )
            self.fields[f"reject_reason_{line.pk}"] = forms.CharField(
                label=_("Why rejected"), required=False, max_length=255
            )

    def line_rows(self):
        return [
            (line, self[f"condition_{line.pk}"], self[f"reject_reason_{line.pk}"])
            for line in self.return_lines
        ]

    def clean(self):
        data = super().clean()
        for line in self.return_lines:
            if (
                data.get(f"condition_{line.pk}") == LineCondition.REJECTED
                and not (data.get(f"reject_reason_{line.pk}") or "").strip()
            ):
                self.add_error(f"reject_reason_{line.pk}", _("Please say why it is rejected."))
        return data

    def inspections(self) -> dict[int, LineInspection]:
        return {
            line.pk: LineInspection(
                condition=self.cleaned_data[f"condition_{line.pk}"],
                reject_reason=self.cleaned_data.get(f"reject_reason_{line.pk}", ""),
            )
            for line in self.return_lines
        }


class RefundForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Refund to"),
        choices=RefundMethod.choices,
        initial=RefundMethod.ORIGINAL_PAYMENT,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, paid_online: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # An order paid online is refunded to that payment (or store credit), one paid at the
        # counter at the counter (or store credit).
        drop = RefundMethod.ORIGINAL_PAYMENT if paid_online else RefundMethod.ORIGINAL_ONLINE
        self.fields["method"].choices = [c for c in RefundMethod.choices if c[0] != drop]
        if paid_online:
            self.fields["method"].initial = RefundMethod.ORIGINAL_ONLINE


class CloseForm(forms.Form):
    note = forms.CharField(label=_("Why no refund?"), max_length=255)


class LookupForm(forms.Form):
    q = forms.CharField(
        label=_("Return code, order number or loyalty card"),
        max_length=64,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
