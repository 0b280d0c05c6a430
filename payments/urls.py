from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("pay/<uuid:public_id>/", views.pay, name="pay"),
    path("pay/<uuid:public_id>/return/", views.pay_return, name="pay_return"),
    path("invoices/<str:number>.pdf", views.invoice_pdf, name="invoice_pdf"),
]
