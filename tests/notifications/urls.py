"""The project's URLs plus the shopper's order page (`pickup:order_detail`), which the
cart-checkout branch adds; with it merged, this stand-in only keeps the test independent."""

from django.http import HttpResponse
from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns


def order_page(request, public_id):
    return HttpResponse(str(public_id))


pickup = ([path("orders/<uuid:public_id>/", order_page, name="order_detail")], "pickup")

urlpatterns = [path("", include(pickup)), *project_urlpatterns]
