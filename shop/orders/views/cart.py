"""The cart page and its htmx endpoints. Each view parses its input and calls one service."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import trigger_client_event

from shop.orders.errors import CartError
from shop.orders.selectors.cart import cart_view
from shop.orders.services.cart import (
    cart_add,
    cart_get,
    cart_get_or_create,
    cart_remove,
    cart_set_quantity,
)
from shop.orders.views.offers import basket_offer, offer_vat
from stores.models import Store
from stores.selectors import store_for_request
from stores.services import my_store_choose

CART_CHANGED = "cart-changed"


class LineForm(forms.Form):
    """A variant and a quantity as posted by a form; the range is the service's to check."""

    variant = forms.IntegerField(
        error_messages={
            "required": gettext_lazy("Please choose a product."),
            "invalid": gettext_lazy("Unknown product."),
        }
    )
    quantity = forms.IntegerField(
        error_messages={
            "required": gettext_lazy("The quantity must be a whole number."),
            "invalid": gettext_lazy("The quantity must be a whole number."),
        }
    )


class QuantityForm(forms.Form):
    # The stepper's − and + buttons post `set_quantity`; the number field posts `quantity`.
    set_quantity = forms.IntegerField(required=False)
    quantity = forms.IntegerField(
        required=False,
        error_messages={"invalid": gettext_lazy("The quantity must be a whole number.")},
    )

    def clean(self):
        data = super().clean()
        wanted = data.get("set_quantity")
        if wanted is None:
            wanted = data.get("quantity")
        if wanted is None and not self.errors:
            raise forms.ValidationError(_("The quantity must be a whole number."))
        data["wanted"] = wanted
        return data


def _first_error(form: forms.Form) -> str:
    return next(iter(form.errors.values()))[0]


def _render_cart(request, *, error: str = ""):
    store = store_for_request(request)
    cart = cart_get(user=request.user, session=request.session)
    template = "shop/cart.html#cart-body" if request.htmx else "shop/cart.html"
    view = cart_view(cart, store)
    offer = basket_offer(request, total=view.total, store=view.store)
    context = {
        "view": view,
        "my_store": store,
        "error": error,
        "basket_offer": offer,
        "offer_vat": offer_vat(view, offer),
    }
    return TemplateResponse(request, template, context)


@require_safe
def cart_page(request):
    return _render_cart(request)


def _after_change(request, error: str = ""):
    """htmx: the refreshed cart body; otherwise back to the cart page (post/redirect/get)."""
    if request.htmx:
        return trigger_client_event(_render_cart(request, error=error), CART_CHANGED)
    if error:
        messages.error(request, error)
    return redirect("pickup:cart")


@require_POST
def cart_line_update(request, variant_id: int):
    form = QuantityForm(request.POST)
    if not form.is_valid():
        return _after_change(request, _first_error(form))
    cart = cart_get(user=request.user, session=request.session)
    try:
        if cart is None:
            raise CartError(_("This item is not in your cart any more."))
        cart_set_quantity(cart=cart, variant_id=variant_id, quantity=form.cleaned_data["wanted"])
    except CartError as exc:
        return _after_change(request, str(exc))
    return _after_change(request)


@require_POST
def cart_line_remove(request, variant_id: int):
    cart = cart_get(user=request.user, session=request.session)
    try:
        if cart is None:
            raise CartError(_("This item is not in your cart any more."))
        cart_remove(cart=cart, variant_id=variant_id)
    except CartError as exc:
        return _after_change(request, str(exc))
    return _after_change(request)


@require_POST
def cart_store_choose(request):
    """Change the pickup store from the cart page; the availability follows."""
    store = Store.objects.pickup().filter(pk=_int(request.POST.get("store"))).first()
    if store is None:
        return _after_change(request, _("Please choose one of the listed stores."))
    my_store_choose(request=request, store=store)
    return _after_change(request)


@require_POST
def cart_add_view(request):
    """ "Add to cart" from a product page. htmx gets a small confirmation and the header counter
    is told to refresh (HX-Trigger: cart-changed); a plain form post lands on the cart page."""
    form = LineForm(request.POST)
    error = ""
    line = None
    if form.is_valid():
        try:
            cart = cart_get_or_create(user=request.user, session=request.session)
            line = cart_add(
                cart=cart,
                variant_id=form.cleaned_data["variant"],
                quantity=form.cleaned_data["quantity"],
            )
        except CartError as exc:
            error = str(exc)
    else:
        error = _first_error(form)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Added to your cart."))
        return redirect("pickup:cart")
    response = TemplateResponse(
        request,
        "shop/includes/add_to_cart.html#added",
        {"line": line, "error": error, "added": form.cleaned_data.get("quantity") if line else 0},
        # 200 either way so that htmx swaps the message in; the text says what went wrong.
    )
    return trigger_client_event(response, CART_CHANGED) if line else response


@require_safe
def cart_count(request):
    return TemplateResponse(request, "shop/includes/header_pickup_links.html#cart-link")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
