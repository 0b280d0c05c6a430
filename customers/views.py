"""The shopper's account page, the data export and the erasure (thin: one service each)."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from inventory.alerts import stock_alert_end as stock_alert_end_service
from inventory.alerts import stock_alert_from_token, stock_alerts_of
from inventory.errors import AlertError
from loyalty.credit import store_credit_balance
from loyalty.models import LoyaltyAccount
from loyalty.selectors import account_balance
from shop.orders.errors import CartError
from shop.orders.models import Order
from shop.orders.services.cart import cart_add, cart_get_or_create
from stores.models import Store
from stores.services import my_store_choose

from .errors import AccountFieldError, CustomerError
from .forms import AccountForm, ErasureForm
from .models import DataExport, ExportStatus
from .selectors import consents_of
from .services.account import account_update, marketing_consent_current, marketing_consent_set
from .services.erasure import erase_customer, erasure_check
from .services.export import data_export_for_download, data_export_request, export_token


def _account_context(request, form):
    user = request.user
    account = LoyaltyAccount.objects.filter(user=user).first()
    exports = list(DataExport.objects.filter(user=user)[:3])
    for export in exports:
        export.token = export_token(export=export) if export.status == ExportStatus.READY else ""
    return {
        "form": form,
        "primary_email": EmailAddress.objects.filter(user=user, primary=True).first(),
        "consents": list(consents_of(user)[:10]),
        "exports": exports,
        "now": timezone.now(),
        "loyalty_account": account,
        "points": account_balance(account) if account else 0,
        "credit": store_credit_balance(user=user),
        "stock_alerts": stock_alerts_of(user=user, open_only=True),
    }


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    user = request.user
    consent = marketing_consent_current(user=user)
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "language": user.language,
        "preferred_store": user.preferred_store_id,
        "marketing": bool(consent and consent.granted),
    }
    if request.method == "GET":
        form = AccountForm(initial=initial)
        return render(request, "customers/account.html", _account_context(request, form))
    form = AccountForm(request.POST, initial=initial)
    if form.is_valid():
        data = form.cleaned_data
        try:
            account_update(
                user=user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                phone=data["phone"],
                language=data["language"],
                preferred_store=data["preferred_store"],
            )
        except AccountFieldError as error:
            form.add_error(error.field, str(error))
        else:
            marketing_consent_set(user=user, granted=data["marketing"])
            translation.activate(data["language"])
            response = redirect("customers:account")
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                data["language"],
                samesite="Lax",
                secure=request.is_secure(),
            )
            messages.success(request, _("Your details have been saved."))
            return response
    return render(request, "customers/account.html", _account_context(request, form), status=400)


@login_required
@require_POST
def export_request(request):
    try:
        data_export_request(user=request.user)
    except CustomerError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("We are preparing your data. You will get a message with the download link."),
        )
    return redirect("customers:account")


@login_required
def export_download(request, token):
    try:
        export = data_export_for_download(user=request.user, token=token)
    except CustomerError as error:
        return render(request, "customers/export_unavailable.html", {"error": error}, status=404)
    response = HttpResponse(export.content, content_type="application/json; charset=utf-8")
    name = f"omnishop-data-{export.finished_at:%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def erase(request):
    user = request.user
    refusal = None
    try:
        erasure_check(user=user)
    except CustomerError as error:
        refusal = str(error)
    form = ErasureForm(request.POST or None)
    status = 200
    if request.method == "POST" and refusal is None:
        if form.is_valid():
            try:
                erase_customer(user=user, by=user, password=form.cleaned_data["password"])
            except CustomerError as error:
                form.add_error("password" if error.code == "not_allowed" else None, str(error))
                status = 429 if error.http_status == 429 else 400
            else:
                logout(request)
                messages.success(request, _("Your account has been deleted. Goodbye."))
                return redirect("shop:home")
        else:
            status = 400
    account = LoyaltyAccount.objects.filter(user=user).first()
    open_orders = Order.objects.filter(customer=user).open().order_by("created_at")
    return render(
        request,
        "customers/erase.html",
        {
            "form": form,
            "refusal": refusal,
            "open_orders": list(open_orders),
            "points": account_balance(account) if account else 0,
            "credit": store_credit_balance(user=user),
        },
        status=status if refusal is None else 409,
    )


@login_required
@require_POST
def stock_alert_end(request, public_id):
    """The shopper ends one of their back-in-stock alerts from the account page."""
    try:
        stock_alert_end_service(user=request.user, public_id=str(public_id))
    except AlertError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The alert has ended."))
    return redirect(f"{reverse('customers:account')}#stock-alerts")


@require_safe
def stock_alert_cart(request, token):
    """The link of a back-in-stock message: the alert's store becomes my store and the variant
    goes into the cart (once: following the link again adds nothing), then the cart. Works
    without login (the session's cart)."""
    try:
        alert = stock_alert_from_token(token=token, purpose="cart")
    except AlertError as error:
        return render(request, "customers/stock_alert_cart.html", {"error": str(error)}, status=404)
    store = Store.objects.pickup().filter(pk=alert.store_id).first()
    if store is not None:
        my_store_choose(request=request, store=store)
    else:
        messages.warning(
            request, _("This store no longer takes pickup orders; please choose another.")
        )
    cart = cart_get_or_create(user=request.user, session=request.session)
    if not cart.lines.filter(variant_id=alert.variant_id).exists():
        try:
            cart_add(cart=cart, variant_id=alert.variant_id, quantity=1)
        except CartError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Added to your cart."))
    return redirect("pickup:cart")
