from django.urls import path

from . import views

urlpatterns = [
    path("stores/", views.StoreListView.as_view(), name="api-store-list"),
]
