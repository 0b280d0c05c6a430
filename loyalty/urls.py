from django.urls import path

from . import views

app_name = "loyalty"

urlpatterns = [
    path("card/", views.card, name="card"),
    path("card/wallet.pkpass", views.wallet_pass, name="wallet_pass"),
    path("desk/", views.desk, name="desk"),
    path("desk/purchase/", views.desk_purchase, name="desk_purchase"),
    path("desk/redeem/", views.desk_redeem, name="desk_redeem"),
]
