"""Why a notification could not be delivered, split by whether trying again can help."""


class DeliveryError(Exception):
    """Delivery failed; the message is stored as the notification's last error."""


class TransientDeliveryError(DeliveryError):
    """The mail server or network refused for now (4xx, connection refused, timeout): retry."""


class PermanentDeliveryError(DeliveryError):
    """Retrying cannot help (broken template, object gone, address rejected with 5xx)."""
