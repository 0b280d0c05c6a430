"""The lines of the wallet's ledgers, rendered in the reader's language (see `core.texts`):
points entries (`PointsEntry.description_code` + `description_params`) and store-credit entries
(`StoreCreditEntry.note_code` + `note_params`). Orders and returns write these codes too."""

from django.utils.translation import gettext_lazy as _

from core.texts import Text, TextRegistry

POINTS_TEXTS = TextRegistry("points entry")
POINTS_TEXTS.register(
    Text("receipt", _("Receipt %(number)s")),
    Text("order", _("Order %(number)s")),
    Text("redeemed", _("%(value)s off"), money=("value",)),
    Text("given_back", _("Points given back")),
    Text("given_back_smaller", _("Points given back: the order became smaller")),
    Text("return", _("Return")),
)

STORE_CREDIT_TEXTS = TextRegistry("store credit entry")
STORE_CREDIT_TEXTS.register(
    Text("order_not_ahead", _("Order %(number)s did not go ahead")),
    Text("order_items_missing", _("Items of order %(number)s were not available")),
    Text("refund", _("Refund of return %(code)s")),
)
