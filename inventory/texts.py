"""The notes of stock movements (`StockMovement.note_code` + `note_params`), rendered in the
reader's language (see `core.texts`). Apps above inventory write these codes too (an order's
release, a return's restock); the texts name what they are about without importing them."""

from django.utils.translation import gettext_lazy as _

from core.texts import Text, TextRegistry

STOCK_MOVEMENT_TEXTS = TextRegistry("stock movement")
STOCK_MOVEMENT_TEXTS.register(
    Text("not_found_at_picking", _("Not found at picking")),
    Text("returned_damaged", _("Returned damaged")),
    Text("shelf_overdrawn", _("More units left the shelf than the system knew of.")),
    Text("stock_count", _("Stock count")),
    Text("stock_snapshot", _("Stock snapshot")),
    Text("snapshot_admin", _("Snapshot %(name)s uploaded in the admin")),
    Text("snapshot_erp", _("ERP snapshot %(name)s")),
    Text(
        "reconciliation",
        _("Reconciliation: reserved set to the open reservations (%(was)d → %(now)d)."),
    ),
    Text("order_not_collected", _("Not collected")),
    Text("order_cancelled", _("Order %(number)s cancelled")),
    Text("return_restock", _("Return %(code)s")),
    Text("return_damaged", _("Return %(code)s, damaged")),
)
