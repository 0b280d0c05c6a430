from django.urls import path

from .views import StockMovementFeedView

urlpatterns = [
    path("stock/movements/", StockMovementFeedView.as_view(), name="stock-movements"),
]
