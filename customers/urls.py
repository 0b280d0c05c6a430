from django.urls import path

from . import staff_views, views

app_name = "customers"

urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/export/", views.export_request, name="export_request"),
    path("account/export/<str:token>/", views.export_download, name="export_download"),
    path("account/delete/", views.erase, name="erase"),
    path("account/alerts/<uuid:public_id>/end/", views.stock_alert_end, name="stock_alert_end"),
    path("alerts/cart/<str:token>/", views.stock_alert_cart, name="stock_alert_cart"),
    path("staff/customers/", staff_views.search, name="staff_search"),
    path("staff/customers/audit/", staff_views.audit, name="staff_audit"),
    path("staff/customers/<int:pk>/", staff_views.customer, name="staff_customer"),
]
