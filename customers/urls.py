from django.urls import path

from . import staff_views, views

app_name = "customers"

urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/export/", views.export_request, name="export_request"),
    path("account/export/<str:token>/", views.export_download, name="export_download"),
    path("account/delete/", views.erase, name="erase"),
    path("staff/customers/", staff_views.search, name="staff_search"),
    path("staff/customers/audit/", staff_views.audit, name="staff_audit"),
    path("staff/customers/<int:pk>/", staff_views.customer, name="staff_customer"),
]
