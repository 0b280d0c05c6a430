"""Checkout: choose a store that has everything, leave a phone number, reserve."""

import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop.models import Order
from shop.payments import PayAtCounter
from shop.selectors.cart import CartView, cart_view
from shop.services.cart import CartError, cart_get
from shop.services.checkout import checkout_place
from shop.services.orders import OrderError, OrderShortage
from stores.selectors import store_for_request

SESSION_KEY = "checkout_once"  # the one-time form token of the checkout page


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

    def __init__(self, *args, view: CartView, **kwargs):
        super().__init__(*args, **kwargs)
        # Any pickup store is accepted: if stock moved since the page was shown, order_place
        # answers with the short lines and where else they are, which says more than "invalid".
        self.stores = {store.pk: store for store in view.stores}
        self.fields["store"].choices = [(pk, store.name) for pk, store in self.stores.items()]


def _new_token(request) -> str:
    token = secrets.token_urlsafe(24)
    request.session[SESSION_KEY] = token
    return token


def _render(
    request, view: CartView, form: CheckoutForm, *, shortages=(), short_store=None, status=200
):
    context = {
        "view": view,
        "form": form,
        "shortages": shortages,
        "short_store": short_store,
        "payment": PayAtCounter(),
        "my_store": view.store,
    }
    return TemplateResponse(request, "shop/checkout.html", context, status=status)


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
    if request.method != "POST":
        initial = {"phone": request.user.phone, "token": _new_token(request)}
        if my_store is not None and my_store.pk in {s.pk for s in view.supplying_stores}:
            initial["store"] = my_store.pk
        return _render(request, view, CheckoutForm(initial=initial, view=view))

    form = CheckoutForm(request.POST, view=view)
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
        )
    except OrderShortage as exc:
        form.add_error(None, str(exc))
        return _render(request, view, form, shortages=exc.shortages, short_store=store, status=409)
    except (OrderError, CartError) as exc:
        form.add_error(None, str(exc))
        return _render(request, view, form, status=422)
    request.session.pop(SESSION_KEY, None)
    messages.success(
        request,
        _("Thank you! Your order %(number)s is reserved at %(store)s.")
        % {"number": order.number, "store": order.store.name},
    )
    return redirect(order)
