from django.urls import path

from . import views

urlpatterns = [
    path("products/", views.ProductListView.as_view(), name="api-product-list"),
    path("products/<slug:slug>/", views.ProductDetailView.as_view(), name="api-product-detail"),
    path(
        "products/<slug:slug>/availability/",
        views.ProductAvailabilityView.as_view(),
        name="api-product-availability",
    ),
]
