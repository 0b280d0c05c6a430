from django.urls import path

from .api import KpiView

urlpatterns = [path("insight/kpis/", KpiView.as_view(), name="insight-kpis")]
