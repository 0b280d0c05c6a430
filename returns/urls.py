from django.urls import path

from . import desk, views

app_name = "returns"

urlpatterns = [
    path("", views.return_list, name="list"),
    path("start/<uuid:order_public_id>/", views.return_start, name="start"),
    path("desk/", desk.desk, name="desk"),
    path("desk/start/<str:order_number>/", desk.desk_start, name="desk_start"),
    path("desk/<uuid:public_id>/", desk.desk_return, name="desk_return"),
    path("desk/<uuid:public_id>/receive/", desk.desk_receive, name="desk_receive"),
    path("desk/<uuid:public_id>/refund/", desk.desk_refund, name="desk_refund"),
    path("desk/<uuid:public_id>/close/", desk.desk_close, name="desk_close"),
    path("<uuid:public_id>/", views.return_detail, name="detail"),
    path("<uuid:public_id>/cancel/", views.return_cancel_view, name="cancel"),
]
