"""What payments adds to other apps' hooks."""

from notifications.models import Notification

from .models import Invoice, InvoiceKind
from .pdf import invoice_pdf_bytes


def invoice_attachments(notification: Notification) -> list[tuple[str, bytes, str]]:
    """The order's invoice PDF for its `order_collected` e-mail (none for a counter order)."""
    invoice = (
        Invoice.objects.filter(order_id=notification.subject_id, kind=InvoiceKind.INVOICE)
        .select_related("order")
        .first()
    )
    if invoice is None:
        return []
    return [(f"{invoice.number}.pdf", invoice_pdf_bytes(invoice), "application/pdf")]
