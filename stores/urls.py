from django.urls import path

from . import views

app_name = "stores"

urlpatterns = [
    path("", views.finder, name="finder"),
    path("choose/", views.choose, name="choose"),
    path("promise/", views.promise, name="promise"),
    path("<slug:code>/", views.detail, name="detail"),
]
