"""Checkout: choose a store that has everything, leave a phone number, reserve."""

import secrets
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.validators import MaxValueValidator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from legal.selectors import contract_model
from loyalty.credit import store_credit_balance
from loyalty.errors import OfferError
from loyalty.models import LoyaltyAccount
from loyalty.rules import points_value
from loyalty.selectors import account_balance, points_redeemable
from shop.orders.errors import CartError, OrderError, OrderShortage, PaymentRateLimited
from shop.orders.models import Order
from shop.orders.payments import COUNTER, payment_method_get, payment_methods_offered
from shop.orders.selectors.cart import CartView, cart_view
from shop.orders.services.cart import cart_get
from shop.orders.services.checkout import checkout_place
from shop.orders.views.offers import SESSION_KEY as OFFER_SESSION_KEY
from shop.orders.views.offers import BasketOffer, basket_offer, limiter_for, offer_vat
from stores.selectors import store_for_request

SESSION_KEY = "checkout_once"  # the one-time form token of the checkout page


@dataclass(frozen=True)
class SettlementOffer:
    """What the shopper may put towards the order online: loyalty points and store credit."""

    points: int  # at most this many points (their balance, up to half the order)
    points_balance: int
    store_credit: Decimal  # the store-credit balance

    @property
    def points_value(self) -> Decimal:
        return points_value(self.points)


class CheckoutForm(forms.Form):
    store = forms.TypedChoiceField(
        label=gettext_lazy("Pickup store"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Please choose the store where you will pick up."),
            "invalid_choice": gettext_lazy("Please choose one of the listed stores."),
        },
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone number"),
        max_length=32,
        help_text=gettext_lazy("The store calls you only if something is wrong with your order."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    points = forms.IntegerField(
        label=gettext_lazy("Loyalty points to use"),
        min_value=0,
        required=False,
        help_text=gettext_lazy("100 points = 1 €, for up to half of the order."),
    )
    use_store_credit = forms.BooleanField(label=gettext_lazy("Use my store credit"), required=False)
    collector_name = forms.CharField(
        label=gettext_lazy("Someone else collects (name, optional)"), max_length=100, required=False
    )
    collector_email = forms.EmailField(
        label=gettext_lazy("Their e-mail (optional, we send them their own code)"),
        required=False,
    )

    payment_method = forms.ChoiceField(
        label=gettext_lazy("Payment"), widget=forms.RadioSelect, required=False
    )
    company = forms.CharField(
        label=gettext_lazy("Company (for an invoice to a business)"), max_length=120, required=False
    )
    vat_id = forms.RegexField(
        label=gettext_lazy("VAT ID"),
        regex=r"^[A-Za-z]{2}[0-9A-Za-z+*.]{2,12}$",
        max_length=14,
        required=False,
        error_messages={"invalid": gettext_lazy("Please give a VAT ID like DE123456789.")},
    )
    billing_address = forms.CharField(
        label=gettext_lazy("Billing address"), max_length=255, required=False
    )
    # The id of the payment method Stripe.js created in the browser (online methods only).
    payment_method_id = forms.CharField(max_length=120, required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("vat_id") and not (data.get("company") or "").strip():
            self.add_error("company", _("Please give the company the VAT ID belongs to."))
        if data.get("collector_email") and not (data.get("collector_name") or "").strip():
            self.add_error("collector_name", _("Please give the name of the person who collects."))
        return data

    def __init__(self, *args, view: CartView, offer: SettlementOffer, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer = offer
        self.fields["points"].validators.append(
            MaxValueValidator(
                offer.points,
                message=gettext_lazy("You can use at most %(limit_value)s points on this order."),
            )
        )
        self.fields["points"].widget.attrs.update(min=0, max=offer.points, step=1)
        # Any pickup store is accepted: if stock moved since the page was shown, order_place
        # answers with the short lines and where else they are, which says more than "invalid".
        self.stores = {store.pk: store for store in view.stores}
        self.fields["store"].choices = [(pk, store.name) for pk, store in self.stores.items()]
        # Every method some listed store offers; order_place checks the chosen store's.
        methods: dict[str, object] = {COUNTER.code: COUNTER}
        for store in self.stores.values():
            for method in payment_methods_offered(store):
                methods.setdefault(method.code, method)
        self.payment_methods = list(methods.values())
        self.fields["payment_method"].choices = [(m.code, m.label) for m in self.payment_methods]


def _offer(user, total: Decimal) -> SettlementOffer:
    account = LoyaltyAccount.objects.filter(user=user).first()
    balance = account_balance(account) if account else 0
    return SettlementOffer(
        points=points_redeemable(account, total) if account and total > 0 else 0,
        points_balance=balance,
        store_credit=store_credit_balance(user=user),
    )


def _new_token(request) -> str:
    token = secrets.token_urlsafe(24)
    request.session[SESSION_KEY] = token
    return token


def _online_chosen(form: CheckoutForm) -> bool:
    method = payment_method_get(str(form["payment_method"].value() or COUNTER.code))
    return method is not None and method.online


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _render(
    request,
    view: CartView,
    form: CheckoutForm,
    *,
    shortages=(),
    short_store=None,
    status=200,
    basket: BasketOffer | None = None,
):
    basket = basket or basket_offer(request, total=view.total, store=view.store)
    # What each online method shows in the form (Stripe's Payment Element) and lets the page load.
    chosen = form.stores.get(_int_or_none(form["store"].value())) or view.store
    widgets = [
        widget
        for method in form.payment_methods
        if (
            widget := method.checkout_widget(
                amount=basket.total_after, store=chosen, stores=form.stores.values()
            )
        )
        is not None
    ]
    context = {
        "basket_offer": basket,
        "offer_vat": offer_vat(view, basket),
        "view": view,
        "form": form,
        "shortages": shortages,
        "short_store": short_store,
        "payment": COUNTER,
        "payment_methods": form.payment_methods,
        "offer": form.offer,
        "my_store": view.store,
        "contract": contract_model().value,
        "online_chosen": _online_chosen(form),
        "payment_widgets": widgets,
    }
    response = TemplateResponse(request, "shop/checkout.html", context, status=status)
    csp: dict[str, list[str]] = {}
    for widget in widgets:
        for directive, sources in widget.get("csp", {}).items():
            csp.setdefault(directive, []).extend(sources)
    if csp:
        response._csp_update = csp  # type: ignore[attr-defined]
    return response


def _placed_with(request, token: str) -> Order | None:
    if not token:
        return None
    return Order.objects.filter(customer=request.user, idempotency_key=token).first()


@login_required
def checkout(request):
    if request.method == "POST":
        # Submitted again after the order was placed (double click, reload): show that order.
        placed = _placed_with(request, request.POST.get("token", ""))
        if placed is not None:
            if placed.status == "payment_pending":  # double click while paying online
                return redirect("payments:pay", public_id=placed.public_id)
            return redirect(placed)
    my_store = store_for_request(request)
    cart = cart_get(user=request.user, session=request.session)
    view = cart_view(cart, my_store)
    if not view.rows:
        placed = _placed_with(request, request.POST.get("token", ""))
        if placed is not None:  # the first submit finished while this one was on its way
            return redirect(placed)
        messages.info(request, _("Your cart is empty."))
        return redirect("pickup:cart")
    basket = basket_offer(request, total=view.total, store=view.store)
    offer = _offer(request.user, basket.total_after)
    if request.method != "POST":
        initial = {"phone": request.user.phone, "token": _new_token(request)}
        if my_store is not None and my_store.pk in {s.pk for s in view.supplying_stores}:
            initial["store"] = my_store.pk
        return _render(
            request, view, CheckoutForm(initial=initial, view=view, offer=offer), basket=basket
        )

    form = CheckoutForm(request.POST, view=view, offer=offer)
    if not form.is_valid():
        return _render(request, view, form, status=422)
    if form.cleaned_data["token"] != request.session.get(SESSION_KEY):
        form.data = form.data.copy()
        form.data["token"] = _new_token(request)
        form.add_error(
            None, _("This page had expired. Please check your choice and reserve again.")
        )
        return _render(request, view, form, status=422)
    store = form.stores[form.cleaned_data["store"]]
    try:
        order = checkout_place(
            cart=cart,
            customer=request.user,
            store=store,
            phone=form.cleaned_data["phone"],
            token=form.cleaned_data["token"],
            points_to_redeem=form.cleaned_data["points"] or 0,
            use_store_credit=form.cleaned_data["use_store_credit"],
            collector_name=form.cleaned_data["collector_name"],
            collector_email=form.cleaned_data["collector_email"],
            payment_method=form.cleaned_data["payment_method"] or COUNTER.code,
            coupon_code=request.session.get(OFFER_SESSION_KEY, ""),
            coupon_limiter=limiter_for(request),
            billing={
                "company": form.cleaned_data["company"],
                "vat_id": form.cleaned_data["vat_id"],
                "address": form.cleaned_data["billing_address"],
            },
            payment_details={
                "payment_method_id": form.cleaned_data["payment_method_id"],
                # where the provider sends the shopper back after a redirect: this site
                "site_url": request.build_absolute_uri("/").rstrip("/"),
            },
        )
    except OrderShortage as exc:
        form.add_error(None, str(exc))
        return _render(request, view, form, shortages=exc.shortages, short_store=store, status=409)
    except PaymentRateLimited as exc:
        form.add_error(None, str(exc))
        return _render(request, view, form, status=429)
    except (OrderError, CartError, OfferError) as exc:
        # A declined card lands here too: nothing was reserved, the cart is as it was, and the
        # shopper may try another card or pay at the counter on the same page.
        form.add_error(None, str(exc))
        return _render(request, view, form, status=422)
    request.session.pop(SESSION_KEY, None)
    request.session.pop(OFFER_SESSION_KEY, None)
    method = payment_method_get(order.payment_method)
    if method is not None and method.online and order.status == "payment_pending":
        # The bank asks for 3-D Secure (or a redirect to PayPal / Klarna): the pay page does it.
        return redirect("payments:pay", public_id=order.public_id)
    if method is not None and method.online:
        messages.success(
            request,
            _("Thank you! Your payment is authorised and order %(number)s is placed.")
            % {"number": order.number},
        )
        return redirect(order)
    if order.contract_model == "purchase":
        thanks = _("Thank you! Your order %(number)s is placed; pick it up at %(store)s.")
    else:
        thanks = _("Thank you! Your order %(number)s is reserved at %(store)s.")
    messages.success(request, thanks % {"number": order.number, "store": order.store.name})
    return redirect(order)
