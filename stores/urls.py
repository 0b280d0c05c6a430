from django.urls import path
from django.views.generic import TemplateView

app_name = "stores"

urlpatterns = [
    path("", TemplateView.as_view(template_name="shop/home.html"), name="finder"),
]
