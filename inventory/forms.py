import csv
import io

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop.catalogue.models import Variant
from stores.models import Store
from stores.selectors import staff_stores


class CountForm(forms.Form):
    """What an associate counted: one `SKU;units` per line, or a CSV file with sku and counted."""

    store = forms.ModelChoiceField(queryset=Store.objects.none(), label=gettext_lazy("Store"))
    lines = forms.CharField(
        label=gettext_lazy("Counted items"),
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "SKU-000123;4"}),
        required=False,
        help_text=gettext_lazy("One item per line: SKU and units counted, e.g. “SKU-000123;4”."),
    )
    file = forms.FileField(
        label=gettext_lazy("or a CSV file"),
        required=False,
        help_text=gettext_lazy("Columns sku and counted."),
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=255, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        stores = staff_stores(user=user).active()
        self.fields["store"].queryset = stores
        if stores.count() == 1:
            self.fields["store"].initial = stores.first()

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        try:
            text = upload.read().decode("utf-8-sig") if upload else data.get("lines", "")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
        data["counted"] = self._parse(text, has_header=bool(upload))
        return data

    def _parse(self, text: str, *, has_header: bool) -> dict[int, int]:
        delimiter = ";" if text.count(";") >= text.count(",") else ","
        try:
            rows = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if any(r)]
        except csv.Error as error:  # e.g. a field over csv.field_size_limit()
            raise forms.ValidationError(
                _("This list cannot be read as CSV: %(e)s") % {"e": error}
            ) from None
        if has_header and rows:
            rows = rows[1:]
        if not rows:
            raise forms.ValidationError(_("Count at least one item."))
        errors, counted = [], {}
        skus = {row[0].strip() for row in rows}
        known = dict(Variant.objects.filter(sku__in=skus).values_list("sku", "pk"))
        for number, row in enumerate(rows, start=2 if has_header else 1):
            sku, units = row[0].strip(), (row[1].strip() if len(row) > 1 else "")
            if sku not in known:
                errors.append(_("Line %(n)d: unknown SKU “%(sku)s”.") % {"n": number, "sku": sku})
            elif not units.isdigit():
                errors.append(
                    _("Line %(n)d: “%(u)s” is not a number of units.") % {"n": number, "u": units}
                )
            elif known[sku] in counted:
                errors.append(_("Line %(n)d: %(sku)s is listed twice.") % {"n": number, "sku": sku})
            else:
                counted[known[sku]] = int(units)
        if errors:
            raise forms.ValidationError(errors)
        return counted
