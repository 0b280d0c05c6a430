from django.urls import path

from . import views

app_name = "stock"

urlpatterns = [
    path("count/", views.count_new, name="count_new"),
    path("count/lookup/", views.count_lookup, name="count_lookup"),
    path("count/<uuid:public_id>/", views.count_detail, name="count_detail"),
    path("count/<uuid:public_id>/decide/", views.count_decide, name="count_decide"),
    path("low/", views.low_stock, name="low_stock"),
]
