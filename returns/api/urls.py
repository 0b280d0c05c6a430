from django.urls import path

from . import views

urlpatterns = [
    path("returns/", views.ReturnListCreateView.as_view(), name="api-returns"),
    path("returns/<str:code>/", views.ReturnDetailView.as_view(), name="api-return"),
    path(
        "staff/returns/<str:code>/receive/",
        views.StaffReceiveView.as_view(),
        name="api-staff-return-receive",
    ),
    path(
        "staff/returns/<str:code>/refund/",
        views.StaffRefundView.as_view(),
        name="api-staff-return-refund",
    ),
]
