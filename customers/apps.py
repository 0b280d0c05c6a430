from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from django.urls import reverse

        from accounts.staff_links import customer_page_register
        from notifications.kinds import register

        from .notifications import KINDS

        register(*KINDS)
        customer_page_register(
            lambda customer_id, page: (
                reverse("customers:staff_customer", args=[customer_id]) + f"?from={page}"
            )
        )
