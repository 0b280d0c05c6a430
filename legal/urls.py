from django.urls import path

from . import views

app_name = "legal"

urlpatterns = [
    path("<slug:page>/", views.legal_page, name="page"),
    path("<slug:page>/<int:pk>/", views.legal_page_version, name="version"),
]
