"""The project's URLs plus a minimal view: the floor every endpoint is compared with."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def floor(request):
    """The least a Django view does: the full middleware stack and a tiny response."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor), *project_urlpatterns]
