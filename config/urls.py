import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.admin_login import RateLimitedAdminAuthenticationForm
from config import metrics, store_day
from core import health

admin.site.site_header = _("Omnishop administration")
admin.site.site_title = "Omnishop"
admin.site.index_title = _("Store operations")
# The admin login counts against allauth's login limits (one limiter for both logins).
admin.site.login_form = RateLimitedAdminAuthenticationForm
store_day.install()  # the admin index opens on the staff's store day

urlpatterns = [
    # Operations: liveness, readiness and Prometheus (no login; /metrics by address or token).
    path("health/live/", health.live, name="health-live"),
    path("health/ready/", health.ready, name="health-ready"),
    path("metrics", metrics.metrics, name="metrics"),
    path("", include("shop.storefront.urls")),
    path("", include("shop.orders.urls")),
    path("loyalty/", include("loyalty.urls")),
    path("returns/", include("returns.urls")),
    path("payments/", include("payments.urls")),
    path("stores/", include("stores.urls")),
    path("messages/", include("notifications.urls")),
    path("legal/", include("legal.urls")),
    path("", include("customers.urls")),
    path("stock/", include("inventory.urls")),
    path("insight/", include("insight.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Pickup orders moved from the "shop" app to "orders": staff bookmarks of the old pages still work.
    re_path(
        r"^admin/shop/(?P<model>order|handoverattempt|cart|cartline)/(?P<rest>.*)$",
        RedirectView.as_view(
            url="/admin/orders/%(model)s/%(rest)s", query_string=True, permanent=True
        ),
    ),
    re_path(
        r"^admin/returns/storecreditentry/(?P<rest>.*)$",
        RedirectView.as_view(
            url="/admin/loyalty/storecreditentry/%(rest)s", query_string=True, permanent=True
        ),
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start script from /api/docs/?script= instead of inline
    # (the CSP allows no inline script) and sends no Cross-Origin-Opener-Policy: unsafe-none.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

if settings.SERVE_MEDIA:
    # Uploaded pictures for `make run` (DEBUG off as well); production serves them elsewhere.
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

# Branded error pages in the shopper's language (core.views); CSRF_FAILURE_VIEW in the settings.
handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
