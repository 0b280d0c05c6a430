from django.urls import path
from django.views.generic import TemplateView

app_name = "shop"

urlpatterns = [
    path("", TemplateView.as_view(template_name="shop/home.html"), name="home"),
    path("products/", TemplateView.as_view(template_name="shop/home.html"), name="product_list"),
    path(
        "products/<slug:slug>/",
        TemplateView.as_view(template_name="shop/home.html"),
        name="product_detail",
    ),
]
