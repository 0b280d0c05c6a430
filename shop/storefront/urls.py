from django.urls import path

from shop.views import catalogue

app_name = "shop"

urlpatterns = [
    path("", catalogue.home, name="home"),
    path("products/", catalogue.product_list, name="product_list"),
    path("products/<slug:slug>/", catalogue.product_detail, name="product_detail"),
    path(
        "products/<slug:slug>/availability/",
        catalogue.product_availability,
        name="product_availability",
    ),
]
