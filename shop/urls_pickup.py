from django.urls import path

from shop.views import desk

app_name = "pickup"

urlpatterns: list = [
    # orders: the associate's desk page
    path("desk/", desk.desk, name="desk"),
    path("desk/queue/", desk.desk_queue_partial, name="desk_queue"),
    path("desk/collect/", desk.desk_collect, name="desk_collect"),
    path("desk/orders/<uuid:public_id>/<slug:step>/", desk.desk_step, name="desk_step"),
]
