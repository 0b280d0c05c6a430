"""Every app's API routes under /api/v1/."""

from django.urls import include, path

urlpatterns = [
    path("", include("shop.api.urls")),
    path("", include("stores.api.urls")),
]
