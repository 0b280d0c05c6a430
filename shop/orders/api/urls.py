from django.urls import path

from . import views

urlpatterns = [
    path("orders/", views.OrderListCreateView.as_view(), name="api-order-list"),
    path("orders/<str:number>/", views.OrderDetailView.as_view(), name="api-order-detail"),
    path("orders/<str:number>/cancel/", views.OrderCancelView.as_view(), name="api-order-cancel"),
    path("orders/<str:number>/rescue/", views.OrderRescueView.as_view(), name="api-order-rescue"),
    path(
        "orders/<str:number>/collector/",
        views.OrderCollectorView.as_view(),
        name="api-order-collector",
    ),
    path("staff/orders/", views.StaffOrderListView.as_view(), name="api-staff-order-list"),
    path(
        "staff/orders/<str:number>/",
        views.StaffOrderDetailView.as_view(),
        name="api-staff-order-detail",
    ),
    path(
        "staff/orders/<str:number>/start-picking/",
        views.StaffStartPickingView.as_view(),
        name="api-staff-order-start-picking",
    ),
    path(
        "staff/orders/<str:number>/mark-ready/",
        views.StaffMarkReadyView.as_view(),
        name="api-staff-order-mark-ready",
    ),
    path(
        "staff/orders/<str:number>/collect/",
        views.StaffCollectView.as_view(),
        name="api-staff-order-collect",
    ),
    path(
        "staff/orders/<str:number>/cancel/",
        views.StaffCancelView.as_view(),
        name="api-staff-order-cancel",
    ),
    path(
        "staff/orders/<str:number>/lines/<int:line_id>/short/",
        views.StaffMarkShortView.as_view(),
        name="api-staff-order-line-short",
    ),
]
