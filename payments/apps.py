from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self):
        from notifications.attachments import attachments_register
        from shop.orders.payments import payment_method_register

        from .providers import STRIPE
        from .receivers import invoice_attachments

        payment_method_register(STRIPE)
        # The collected e-mail carries the invoice of an order paid online.
        attachments_register("order_collected", invoice_attachments)
