"""The shopper's card page and wallet pass, and the associates' loyalty desk. Thin: forms in,
one service or selector call, errors out as form errors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.qr import qr_svg_inline
from core.templatetags.money import format_money
from shop.recommendations.selectors import customer_picks
from stores.desk import (
    desk_store_for_request,
    desk_store_remember,
    desk_store_remembered,
    desk_stores,
)
from stores.selectors import store_for_request

from . import barcode, wallet
from .errors import LoyaltyError
from .forms import DeskForm, DeskPurchaseForm, DeskRedeemForm
from .models import LookupPurpose
from .offers.selectors import offers_for_account
from .selectors import account_balance, entries_for_account, recent_purchases, tier_progress
from .services import (
    card_lookup,
    loyalty_account_open,
    points_value,
    store_purchase_record,
    till_points_redeem,
)
from .till.selectors import receipt_lines_attach

HISTORY_PAGE_SIZE = 20


@login_required
@require_safe
def card(request):
    account = loyalty_account_open(user=request.user)
    balance = account_balance(account)
    page = Paginator(entries_for_account(account), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = receipt_lines_attach(page.object_list)
    return render(
        request,
        "loyalty/card.html",
        {
            "account": account,
            "balance": balance,
            "balance_value": points_value(balance),
            "progress": tier_progress(account),
            "qr_svg": qr_svg_inline(account.card_number),
            "barcode_svg": barcode.svg(
                account.card_number,
                label=_("Card number %(number)s") % {"number": account.card_number_grouped},
            ),
            "page": page,
            "wallet_enabled": wallet.wallet_enabled(),
            "for_you": customer_picks(customer=request.user, store=store_for_request(request)),
            "offers": offers_for_account(account=account),
        },
    )


@login_required
@require_safe
def wallet_pass(request):
    if not wallet.wallet_enabled():
        raise Http404
    account = loyalty_account_open(user=request.user)
    data = wallet.wallet_pass_build(account, balance=account_balance(account))
    response = HttpResponse(data, content_type=wallet.WALLET_MEDIA_TYPE)
    response["Content-Disposition"] = 'attachment; filename="loyalty-card.pkpass"'
    response["Cache-Control"] = "no-store"
    return response


HISTORY_SHOWN = 8


def _redeem_form(request, store, account):
    return DeskRedeemForm(
        staff=request.user,
        initial={"store": store, "card_number": account.card_number},
        auto_id="redeem_%s",
    )


def _render_desk(request, *, form, purchase_form=None, account=None, status=200, redeem_form=None):
    context = {
        "form": form,
        "purchase_form": purchase_form,
        "redeem_form": redeem_form,
        "account": account,
    }
    if account is not None:
        balance = account_balance(account)
        context |= {
            "balance": balance,
            "balance_value": points_value(balance),
            "purchases": recent_purchases(account),
            "history": receipt_lines_attach(entries_for_account(account)[:HISTORY_SHOWN]),
            "offers": offers_for_account(account=account),
        }
    if request.htmx:
        # htmx swaps only 2xx responses; errors are part of the partial it swaps in.
        return render(request, "loyalty/desk.html#result", context)
    return render(request, "loyalty/desk.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def desk(request):
    """Look up a card: shows name, tier, balance and last purchases, and the purchase form."""
    stores = desk_stores(request)
    if request.method == "GET":
        store = desk_store_for_request(request, stores)
        return _render_desk(request, form=DeskForm(staff=request.user, initial={"store": store}))
    form = DeskForm(request.POST, staff=request.user)
    if not form.is_valid():
        return _render_desk(request, form=form, status=400)
    store = form.cleaned_data["store"]
    desk_store_remember(request, store)
    try:
        account = card_lookup(
            staff=request.user, store=store, card_number=form.cleaned_data["card_number"]
        )
    except LoyaltyError as error:
        form.add_error("card_number", str(error))
        return _render_desk(request, form=form, status=400)
    purchase_form = DeskPurchaseForm(
        staff=request.user,
        initial={"store": store, "card_number": account.card_number},
        auto_id="purchase_%s",
    )
    return _render_desk(
        request,
        form=form,
        purchase_form=purchase_form,
        account=account,
        redeem_form=_redeem_form(request, store, account),
    )


def _posted_lookup_form(request, stores) -> DeskForm:
    """The lookup form shown again after a till booking: the desk's store, the card as posted."""
    return DeskForm(
        staff=request.user,
        initial={
            "store": desk_store_remembered(request, stores),
            "card_number": request.POST.get("card_number", ""),
        },
    )


@login_required
@require_POST
def desk_purchase(request):
    """Record an in-store purchase on a card: points are earned for the receipt."""
    stores = desk_stores(request)
    purchase_form = DeskPurchaseForm(request.POST, staff=request.user, auto_id="purchase_%s")
    lookup_form = _posted_lookup_form(request, stores)
    if not purchase_form.is_valid():
        return _render_desk(request, form=lookup_form, purchase_form=purchase_form, status=400)
    data = purchase_form.cleaned_data
    try:
        account = card_lookup(
            staff=request.user,
            store=data["store"],
            card_number=data["card_number"],
            purpose=LookupPurpose.PURCHASE,
        )
        entry, created = store_purchase_record(
            account=account,
            store=data["store"],
            amount=data["amount"],
            receipt_number=data["receipt_number"],
            actor=request.user,
        )
    except LoyaltyError as error:
        purchase_form.add_error(None, str(error))
        return _render_desk(request, form=lookup_form, purchase_form=purchase_form, status=400)
    if created:
        messages.success(
            request,
            _("%(points)d points booked for receipt %(receipt)s.")
            % {"points": entry.points, "receipt": data["receipt_number"]},
        )
    else:
        messages.info(request, _("This receipt was already booked; nothing changed."))
    if not request.htmx:
        return redirect("loyalty:desk")
    response = _render_desk(
        request,
        form=DeskForm(staff=request.user, initial={"store": data["store"]}),
        purchase_form=DeskPurchaseForm(
            staff=request.user,
            initial={"store": data["store"], "card_number": account.card_number},
            auto_id="purchase_%s",
        ),
        account=account,
    )
    response["HX-Trigger-After-Settle"] = (
        "loyalty:booked"  # the page clears the card field for the next one
    )
    return response


@login_required
@require_POST
def desk_redeem(request):
    """Points used at the till against a receipt: the same rules as online."""
    stores = desk_stores(request)
    redeem_form = DeskRedeemForm(request.POST, staff=request.user, auto_id="redeem_%s")
    lookup_form = _posted_lookup_form(request, stores)
    account = None
    if redeem_form.is_valid():
        data = redeem_form.cleaned_data
        try:
            account = card_lookup(
                staff=request.user,
                store=data["store"],
                card_number=data["card_number"],
                purpose=LookupPurpose.PURCHASE,
            )
            discount = till_points_redeem(
                account=account,
                store=data["store"],
                points=data["points"],
                receipt_total=data["amount"],
                receipt_number=data["receipt_number"],
                actor=request.user,
            )
        except LoyaltyError as error:
            redeem_form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(points)d points redeemed: %(value)s off receipt %(receipt)s.")
                % {
                    "points": data["points"],
                    "value": format_money(discount),
                    "receipt": data["receipt_number"],
                },
            )
            if not request.htmx:
                return redirect("loyalty:desk")
            store = data["store"]
            return _render_desk(
                request,
                form=DeskForm(
                    staff=request.user,
                    initial={"store": store, "card_number": account.card_number},
                ),
                purchase_form=DeskPurchaseForm(
                    staff=request.user,
                    initial={"store": store, "card_number": account.card_number},
                    auto_id="purchase_%s",
                ),
                redeem_form=_redeem_form(request, store, account),
                account=account,
            )
    return _render_desk(
        request, form=lookup_form, redeem_form=redeem_form, account=account, status=400
    )
