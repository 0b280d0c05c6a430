"""The project's URLs plus the benchmark's baseline: one conditional UPDATE behind a minimal view.

Bench-only code; never part of the product.
"""

from django.db.models import F
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as project_urlpatterns
from inventory.models import StockLevel


@csrf_exempt
def bare_reserve(request, level_id):
    reserved = StockLevel.objects.filter(
        pk=level_id, on_hand__gte=F("reserved") + F("safety_buffer") + 1
    ).update(reserved=F("reserved") + 1)
    return JsonResponse({"reserved": bool(reserved)}, status=201 if reserved else 409)


urlpatterns = [
    path("bench/reserve/<int:level_id>/", bare_reserve),
    *project_urlpatterns,
]
