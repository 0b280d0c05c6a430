"""Every app's API routes under /api/v1/."""

from django.urls import include, path

urlpatterns = [
    path("", include("shop.storefront.api.urls")),
    path("", include("stores.api.urls")),
    path("", include("shop.orders.api.urls")),
    path("", include("inventory.api.urls")),
    path("", include("loyalty.api.urls")),
    path("", include("returns.api.urls")),
    path("", include("insight.api_urls")),
    path("", include("shop.catalogue.feed.urls")),
]
