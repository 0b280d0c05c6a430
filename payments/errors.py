"""The payments app's domain errors."""

from core.errors import DomainError


class PaymentError(DomainError):
    """A payment step that cannot be made as asked."""

    code = "payment_error"
    http_status = 409


class ProviderError(PaymentError):
    """The provider refused or could not be reached; the message says what to do."""

    code = "payment_provider_error"
    http_status = 502


class WebhookRejected(PaymentError):
    """A webhook whose signature does not verify, is too old, or cannot be read."""

    code = "webhook_rejected"
    http_status = 400


class InvoiceError(PaymentError):
    code = "invoice_error"
    http_status = 409


class WebhookReplayed(WebhookRejected):
    """A delivery whose exact `Stripe-Signature` header was accepted before: captured bytes sent
    again (Stripe's own redelivery is signed anew)."""

    code = "webhook_replayed"
    http_status = 400
