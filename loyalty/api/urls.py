from django.urls import path

from . import views

urlpatterns = [
    path("loyalty/card/", views.CardView.as_view(), name="loyalty-card"),
    path("loyalty/entries/", views.EntryListView.as_view(), name="loyalty-entries"),
    path(
        "loyalty/transactions/",
        views.TillTransactionView.as_view(),
        name="loyalty-transactions",
    ),
    path("loyalty/receipts/", views.TillReceiptView.as_view(), name="loyalty-receipts"),
    path("loyalty/offers/", views.TillOffersView.as_view(), name="loyalty-till-offers"),
]
