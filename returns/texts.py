"""The notes of a return's timeline (`ReturnEvent.note_code` + `note_params`), rendered in the
reader's language (see `core.texts`)."""

from django.utils.translation import gettext_lazy as _

from core.texts import Text, TextRegistry, choice_label

from .models import RefundMethod

RETURN_EVENT_TEXTS = TextRegistry("return event")
RETURN_EVENT_TEXTS.register(
    Text("started_at_counter", _("Started at the counter of %(store)s")),
    Text("window_overridden", _("Window overridden by a manager: %(reason)s")),
    Text("cancelled_by_customer", _("Cancelled by the customer")),
    Text(
        "refunded",
        _("%(amount)s refunded (%(method)s)"),
        money=("amount",),
        labels={"method": choice_label(dict(RefundMethod.choices))},
    ),
)
