"""The notes of an order's timeline (`OrderEvent.note_code` + `note_params`), rendered in the
reader's language (see `core.texts`)."""

from django.utils.translation import gettext_lazy as _

from core.texts import Text, TextRegistry, choice_label

from .payments import METHOD_LABELS

ORDER_EVENT_TEXTS = TextRegistry("order event")
_method = {"method": choice_label(METHOD_LABELS)}
ORDER_EVENT_TEXTS.register(
    Text("line_short", _("%(units)d × %(sku)s not found")),
    Text(
        "line_short_cancelled",
        _("%(units)d × %(sku)s not found; cancelled because none of the items were found."),
    ),
    Text(
        "line_short_cancelled_nowhere",
        _(
            "%(units)d × %(sku)s not found; cancelled: none of the items were found and no other "
            "store has them."
        ),
    ),
    Text("nothing_left", _("Nothing is left to hand over.")),
    Text(
        "nothing_left_collected_elsewhere",
        _("Nothing is left to hand over here; the items are collected at %(store)s."),
    ),
    Text("paid_online_authorised", _("Paid online: authorised (%(source)s)")),
    Text("payment_cancelled", _("The online payment was cancelled.")),
    Text("payment_timed_out", _("The payment was not completed in time.")),
    Text("payment_not_completed", _("The payment was not completed.")),
    Text(
        "payment_switched_to_counter",
        _(
            "The online payment authorisation was cancelled by the payment provider; "
            "%(amount)s is to be paid at the counter on pickup"
        ),
        money=("amount",),
    ),
    Text("cancelled_by_customer", _("Cancelled by the customer")),
    Text("withdrawal_received", _("Withdrawal received %(when)s"), moments=("when",)),
    Text("not_collected", _("Not collected within %(days)d opening days.")),
    Text("collected", _("%(method)s: %(amount)s"), money=("amount",), labels=_method),
    Text(
        "collected_by_collector",
        _("%(method)s: %(amount)s; collected by %(name)s"),
        money=("amount",),
        labels=_method,
    ),
    Text("collector_set", _("%(name)s may collect the order")),
    Text("collector_cleared", _("Nobody else collects the order any more")),
    Text(
        "rescue_other_store",
        _("%(units)d × %(sku)s: collect at %(store)s (order %(number)s)"),
    ),
    Text("rescue_dropped", _("%(units)d × %(sku)s: dropped by the customer")),
    Text("rescue_cancelled", _("The customer cancelled the order after items were missing.")),
    Text("rescue_timed_out", _("%(units)d × %(sku)s: no answer in time, dropped")),
)
