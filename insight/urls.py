from django.urls import path

from . import views

app_name = "insight"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("nps/<str:token>/", views.nps, name="nps"),
]
