import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stores.models import Store

MAX_DAYS = 366
DEFAULT_DAYS = 30


class KpiFilterForm(forms.Form):
    """Which stores (one, or every store the reader may see) and which days."""

    store = forms.ModelChoiceField(
        label=_("Store"),
        queryset=Store.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("All my stores"),
    )
    # A date input speaks ISO dates whatever the page's language; the browser shows it localised.
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, data=None, *, stores, **kwargs):
        today = timezone.localdate()
        initial = {"start": today - dt.timedelta(days=DEFAULT_DAYS), "end": today}
        if data is not None:
            data = {key: data.get(key) for key in ("store", "start", "end")}
            data = {key: value or initial.get(key) for key, value in data.items()}
            data = {key: value for key, value in data.items() if value is not None}
        super().__init__(data if data is not None else initial, **kwargs)
        self.fields["store"].queryset = stores.order_by("name")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                self.add_error("end", _("The end lies before the start."))
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error("end", _("Choose at most %(days)d days.") % {"days": MAX_DAYS})
            elif end > timezone.localdate() + dt.timedelta(days=1):
                self.add_error("end", _("The end lies in the future."))
        return data
