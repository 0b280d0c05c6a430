from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StorefrontConfig(AppConfig):
    """The pages and API a shopper browses: home, product list and search, product page with
    every store's stock."""

    name = "shop.storefront"
    label = "storefront"
    verbose_name = _("Storefront")

    def ready(self):
        from .cached_results import navigation_receivers_connect

        navigation_receivers_connect()
