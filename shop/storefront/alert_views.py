"""Back in stock at my store (the shopper's side): ask on the product page, confirm an address
(double opt-in) and end an alert by the link in its e-mail. Thin: one inventory.alerts service
each. Works with htmx (the alert box is swapped) and without JavaScript (post, then redirect)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from inventory.alerts import (
    stock_alert_confirm,
    stock_alert_end_by_token,
    stock_alert_from_token,
    stock_alert_open_for,
    stock_alert_request,
    stock_alert_subscribe,
)
from inventory.errors import AlertError, AlertRateLimited
from shop.catalogue.models import Product
from stores.selectors import store_for_request

from .forms import StockAlertForm


def alert_context(request, variant, store, *, form=None, done: str = "", error: str = "") -> dict:
    """What the alert box on the product page shows for `variant` at my store."""
    user = request.user
    alert = (
        stock_alert_open_for(user=user, store_id=store.pk, variant_id=variant.pk)
        if store is not None and user.is_authenticated
        else None
    )
    return {
        "alert": alert,
        "alert_form": form
        or StockAlertForm(initial={"variant": variant.pk}, anonymous=not user.is_authenticated),
        "alert_done": done,
        "alert_error": error,
    }


@require_POST
def stock_alert_ask(request, slug):
    product = get_object_or_404(Product.objects.active(), slug=slug)
    store = store_for_request(request)
    anonymous = not request.user.is_authenticated
    form = StockAlertForm(request.POST, anonymous=anonymous)
    form.is_valid()
    variant_id = form.cleaned_data.get("variant")
    variant = product.variants.filter(is_active=True, pk=variant_id).first() if variant_id else None
    if variant is None:
        return _answer(
            request, product, None, store, form, error=_("Please choose a variant."), status=400
        )
    status, done, error = 200, "", ""
    if store is None:
        error, status = _("Please choose your store first."), 400
    elif form.is_valid():
        try:
            if anonymous:
                stock_alert_request(
                    email=form.cleaned_data["email"],
                    store=store,
                    variant=variant,
                    language=translation.get_language() or "",
                    client=request.META.get("REMOTE_ADDR", ""),
                )
                done = _(
                    "Almost done: please confirm the link we have sent to %(email)s. Only then "
                    "will we tell you when it is back."
                ) % {"email": form.cleaned_data["email"]}
            else:
                stock_alert_subscribe(user=request.user, store=store, variant=variant)
                done = _(
                    "We will tell you by e-mail and in your messages when it is available at %(store)s."
                ) % {"store": store.name}
        except AlertRateLimited as exc:
            error, status = str(exc), 429
        except AlertError as exc:
            error, status = str(exc), exc.http_status
    else:
        status = 400
    return _answer(request, product, variant, store, form, done=done, error=error, status=status)


def _answer(request, product, variant, store, form, *, done="", error="", status=200):
    if not request.htmx:
        if done:
            messages.success(request, done)
            url = product.get_absolute_url()
            return redirect(f"{url}?variant={variant.pk}" if variant else url)
        # Without JavaScript a refusal is the product page again, with the form's error.
        from .views import _product_page

        context = _product_page(request, product.slug, str(variant.pk) if variant else "")
        context.update(alert_form=form, alert_error=error)
        return TemplateResponse(request, "shop/product_detail.html", context, status=status)
    context = {"product": product, "variant": variant, "my_store": store, "alert_error": error}
    if variant is not None:
        context.update(
            alert_context(
                request, variant, store, form=None if done else form, done=done, error=error
            )
        )
    # htmx swaps 2xx answers only (as "Add to cart" does): the box says what went wrong.
    return TemplateResponse(request, "shop/includes/stock_alert.html", context)


def _first_error(form) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return ""


def _alert_link_page(request, token: str, *, action: str, act):
    """A link from an alert's e-mail: GET shows the alert, POST does `act` (so that a mail
    scanner following links does nothing)."""
    try:
        alert = stock_alert_from_token(token=token, purpose=action)
        if request.method == "POST":
            alert = act(token=token)
    except AlertError as exc:
        return TemplateResponse(
            request,
            "shop/stock_alert_link.html",
            {"error": str(exc), "action": action},
            status=exc.http_status,
        )
    return TemplateResponse(
        request,
        "shop/stock_alert_link.html",
        {"alert": alert, "action": action, "token": token, "done": request.method == "POST"},
    )


@require_http_methods(["GET", "POST"])
def stock_alert_confirm_view(request, token):
    """The confirmation link of the double opt-in."""
    return _alert_link_page(request, token, action="confirm", act=stock_alert_confirm)


@require_http_methods(["GET", "POST"])
def stock_alert_end_view(request, token):
    """The unsubscribe link of an alert's e-mails."""
    return _alert_link_page(request, token, action="end", act=stock_alert_end_by_token)
