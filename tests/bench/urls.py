"""The project's URLs plus the bench-only views every figure is compared with.

Bench-only code; never part of the product.
"""

from django.db.models import F
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as project_urlpatterns
from inventory.models import StockLevel


def floor(request):
    """The least a Django view does: the full middleware stack and a tiny response."""
    return HttpResponse(b"ok", content_type="text/plain")


@csrf_exempt
def bare_reserve(request, level_id):
    """The least a reservation costs: one conditional UPDATE behind a minimal view."""
    reserved = StockLevel.objects.filter(
        pk=level_id, on_hand__gte=F("reserved") + F("safety_buffer") + 1
    ).update(reserved=F("reserved") + 1)
    return JsonResponse({"reserved": bool(reserved)}, status=201 if reserved else 409)


urlpatterns = [
    path("bench/floor/", floor),
    path("bench/reserve/<int:level_id>/", bare_reserve),
    *project_urlpatterns,
]
