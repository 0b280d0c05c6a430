"""The pay page (Stripe.js finishes what the checkout's confirmation left: 3-D Secure or a
redirect, or another card after a failed authentication), the return from it, the Stripe webhook and the invoice PDFs. Thin: each calls one service."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from shop.orders.models import Order, OrderStatus
from stores.selectors import is_store_staff

from .errors import PaymentError, WebhookRejected
from .models import Invoice, Payment
from .pdf import invoice_pdf_bytes
from .providers import stripe_csp
from .services import payment_next_step, payment_refresh, webhook_receive


def _own_pending(request, public_id) -> tuple[Order, Payment]:
    order = get_object_or_404(Order, public_id=public_id, customer=request.user)
    payment = Payment.objects.filter(order=order).first()
    if payment is None:
        raise Http404
    return order, payment


@login_required
@require_GET
def pay(request, public_id):
    order, payment = _own_pending(request, public_id)
    if order.status != OrderStatus.PAYMENT_PENDING:
        return redirect(order)
    context = {
        "order": order,
        "payment": payment,
        # "action": Stripe.js finishes 3-D Secure or a redirect at once; "method": the shopper
        # may try another card or method (the last one failed its authentication).
        "next": payment_next_step(payment=payment),
        "amount": payment.amount_cents / 100,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "stripe_js": settings.STRIPE_JS_URL,
        "return_url": request.build_absolute_uri(
            reverse("payments:pay_return", kwargs={"public_id": order.public_id})
        ),
    }
    response = TemplateResponse(request, "payments/pay.html", context)
    # Stripe.js from its own origin, its frames (card fields, 3-D Secure) and its API.
    response._csp_update = stripe_csp()  # type: ignore[attr-defined]
    return response


@login_required
@require_GET
def pay_return(request, public_id):
    """Where the browser lands after paying (and after 3-D Secure): ask the provider, move on."""
    order, payment = _own_pending(request, public_id)
    try:
        payment = payment_refresh(payment=payment, source="return from payment")
    except PaymentError as exc:
        messages.error(request, str(exc))
        return redirect(order)
    order.refresh_from_db()
    if order.status == OrderStatus.PLACED:
        messages.success(
            request,
            _("Thank you! Your payment is authorised and order %(number)s is placed.")
            % {"number": order.number},
        )
        return redirect(order)
    if order.status == OrderStatus.PAYMENT_PENDING:
        # The pay page says why (in the shopper's language) and offers another card.
        return redirect("payments:pay", public_id=order.public_id)
    return redirect(order)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's calls: signed, so no CSRF token; a bad signature is a 400 and changes nothing."""
    try:
        outcome = webhook_receive(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except WebhookRejected as exc:
        return JsonResponse({"detail": str(exc), "code": exc.code}, status=400)
    return JsonResponse({"received": True, "outcome": outcome})


@login_required
@require_GET
def invoice_pdf(request, number):
    """The shopper's own invoices; staff of the order's store see theirs."""
    invoice = get_object_or_404(Invoice.objects.select_related("order"), number=number)
    order = invoice.order
    if order.customer_id != request.user.pk and not is_store_staff(
        user=request.user, store=order.store_id
    ):
        raise Http404
    response = HttpResponse(invoice_pdf_bytes(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice.number}.pdf"'
    return response
