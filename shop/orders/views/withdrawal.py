"""The withdrawal button (§ 356a BGB), reachable without login from every page's footer.

Step 1 identifies the order (number, e-mail address, name); step 2 shows the order and takes the
confirmation; the done page states when the withdrawal was received. The session carries the
order between the steps, so step 2 cannot be reached without step 1.
"""

from django import forms
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from legal.selectors import contract_model
from shop.orders.errors import OrderError, WithdrawalRateLimited
from shop.orders.models import Order, OrderWithdrawal
from shop.orders.services.withdrawal import order_withdraw, withdrawal_find

SESSION_KEY = "withdrawal"


class WithdrawalFindForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Order number"),
        max_length=16,
        help_text=gettext_lazy("You find it in the order confirmation e-mail."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mail address of the order"),
        max_length=254,
        help_text=gettext_lazy("We send the confirmation of your withdrawal to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    name = forms.CharField(
        label=gettext_lazy("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


@require_http_methods(["GET", "POST"])
def withdraw(request):
    """Step 1: which contract, and who withdraws."""
    form = WithdrawalFindForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                order = withdrawal_find(
                    number=form.cleaned_data["number"],
                    email=form.cleaned_data["email"],
                    client=request.META.get("REMOTE_ADDR", ""),
                )
            except WithdrawalRateLimited as exc:
                form.add_error(None, str(exc))
                status = 429
            except OrderError as exc:
                form.add_error(None, str(exc))
            else:
                request.session[SESSION_KEY] = {
                    "order": order.pk,
                    "email": form.cleaned_data["email"],
                    "name": form.cleaned_data["name"],
                }
                return redirect("pickup:withdraw_confirm")
        status = status if status != 200 else 422
    return TemplateResponse(
        request,
        "shop/withdrawal/find.html",
        {"form": form, "purchase": contract_model() == "purchase", "step": 1},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def withdraw_confirm(request):
    """Step 2: the order as found; one button confirms the withdrawal."""
    data = request.session.get(SESSION_KEY) or {}
    order = Order.objects.select_related("store").filter(pk=data.get("order")).first()
    if order is None:
        return redirect("pickup:withdraw")
    error = ""
    if request.method == "POST":
        try:
            withdrawal = order_withdraw(order=order, email=data["email"], name=data["name"])
        except OrderError as exc:
            error = str(exc)
        else:
            request.session[SESSION_KEY] = {"done": withdrawal.pk}
            return redirect("pickup:withdraw_done")
    return TemplateResponse(
        request,
        "shop/withdrawal/confirm.html",
        {"order": order, "name": data["name"], "email": data["email"], "error": error, "step": 2},
        status=409 if error else 200,
    )


def withdraw_done(request):
    data = request.session.get(SESSION_KEY) or {}
    withdrawal = OrderWithdrawal.objects.select_related("order").filter(pk=data.get("done")).first()
    if withdrawal is None:
        return redirect("pickup:withdraw")
    return TemplateResponse(
        request, "shop/withdrawal/done.html", {"withdrawal": withdrawal, "step": 3}
    )
