from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = _("Loyalty")

    def ready(self):
        from accounts.services import account_finished_hook_register
        from notifications.kinds import register

        from .notifications import KINDS
        from .services import loyalty_account_open

        register(*KINDS)
        from webhooks.events import register as webhook_events_register

        from .webhooks import EVENTS

        webhook_events_register(*EVENTS)
        account_finished_hook_register(hook=loyalty_account_open)  # every new account has a card
        from shop.recommendations.baskets import purchase_source_register

        from .till.purchases import till_purchases

        purchase_source_register(till_purchases)
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .models import Promotion
        from .offers.selectors import promotions_written

        post_save.connect(promotions_written, sender=Promotion, dispatch_uid="offers-promotion")
        post_delete.connect(promotions_written, sender=Promotion, dispatch_uid="offers-promotion")
        for through in (Promotion.tiers.through, Promotion.stores.through):
            m2m_changed.connect(
                promotions_written, sender=through, dispatch_uid=f"offers-{through.__name__}"
            )
