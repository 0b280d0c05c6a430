from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = _("Loyalty")

    def ready(self):
        from accounts.services import account_finished_hook_register

        from .services import loyalty_account_open

        account_finished_hook_register(loyalty_account_open)  # every new account has a card
