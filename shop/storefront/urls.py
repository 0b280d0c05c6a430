from django.urls import path

from . import views

app_name = "shop"

urlpatterns = [
    path("", views.home, name="home"),
    path("products/", views.product_list, name="product_list"),
    path("search/suggest/", views.search_suggest, name="search_suggest"),
    path("products/<slug:slug>/", views.product_detail, name="product_detail"),
    path(
        "products/<slug:slug>/availability/",
        views.product_availability,
        name="product_availability",
    ),
]
