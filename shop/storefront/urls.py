from django.urls import path

from . import alert_views, views

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

urlpatterns += [
    path("products/<slug:slug>/alert/", alert_views.stock_alert_ask, name="stock_alert"),
    path(
        "alerts/confirm/<str:token>/",
        alert_views.stock_alert_confirm_view,
        name="stock_alert_confirm",
    ),
    path("alerts/end/<str:token>/", alert_views.stock_alert_end_view, name="stock_alert_end"),
]
