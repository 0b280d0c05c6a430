"""Forms shared by the desk pages and the admin."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ShortPickForm(forms.Form):
    """Units of one line not found on the shelf, and how many were short when the form was shown
    (so a second submit of the same form changes nothing: `order_mark_line_short`)."""

    units = forms.IntegerField(
        min_value=1,
        error_messages={
            "required": _("Enter the number of missing units."),
            "invalid": _("Enter the number of missing units."),
        },
    )
    already_short = forms.IntegerField(min_value=0, required=False)

    def first_error(self) -> str:
        return next(iter(error for errors in self.errors.values() for error in errors))
