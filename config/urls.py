from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config import store_day
from config.errors import page_not_found

admin.site.site_header = _("Omnishop administration")
admin.site.site_title = "Omnishop"
admin.site.index_title = _("Store operations")
store_day.install()  # the admin index opens on the staff's store day

urlpatterns = [
    path("", include("shop.storefront.urls")),
    path("", include("shop.orders.urls")),
    path("loyalty/", include("loyalty.urls")),
    path("returns/", include("returns.urls")),
    path("stores/", include("stores.urls")),
    path("messages/", include("notifications.urls")),
    path("stock/", include("inventory.urls")),
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
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = page_not_found
