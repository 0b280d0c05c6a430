"""The coupon field of the cart and checkout pages: check a code, keep it for the checkout.

The code lives in the session (`SESSION_KEY`) until the order is placed; `order_place` checks it
again under the promotion's lock. Without a code the shopper's automatic tier offer is shown.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.vat import VatAmount, discounted_vat_breakdown
from loyalty.errors import OfferError
from loyalty.models import OfferChannel
from loyalty.offers.services import OfferQuote, code_normalise, offer_quote
from shop.orders.selectors.cart import CartView, cart_view
from shop.orders.services.cart import cart_get
from stores.models import Store
from stores.selectors import store_for_request

SESSION_KEY = "offer_code"


def limiter_for(request) -> str:
    """Whom wrong codes count against: the shopper, or the browser session."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    if not request.session.session_key:
        request.session.save()
    return f"session:{request.session.session_key}"


@dataclass(frozen=True)
class BasketOffer:
    """The offer shown on the cart and checkout pages, and what is left to pay before points."""

    code: str
    quote: OfferQuote | None
    error: str
    total: Decimal

    @property
    def discount(self) -> Decimal:
        return self.quote.discount if self.quote else Decimal("0.00")

    @property
    def total_after(self) -> Decimal:
        return self.total - self.discount


def basket_offer(request, *, total: Decimal, store: Store | None) -> BasketOffer:
    """The kept code's quote (or why it does not apply now), else the automatic tier offer."""
    code = request.session.get(SESSION_KEY, "")
    customer = request.user if request.user.is_authenticated else None
    try:
        quote = offer_quote(
            code=code,
            customer=customer,
            store=store,
            channel=OfferChannel.ONLINE,
            basis=total,
            limiter=limiter_for(request),
        )
    except OfferError as error:
        return BasketOffer(code=code, quote=None, error=str(error), total=total)
    return BasketOffer(code=code, quote=quote, error="", total=total)


def offer_vat(view: CartView, basket: BasketOffer) -> list[VatAmount] | None:
    """The VAT per rate after the offer (spread over the lines, docs/prices.md); None without."""
    if not basket.discount:
        return None
    lines = [(row.line.line_total, row.line.vat_rate) for row in view.rows]
    return discounted_vat_breakdown(lines, basket.discount)


def _back(request):
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(target or "pickup:cart")


@require_POST
def cart_coupon(request):
    """Apply a code (checked at once, rate-limited) or remove the one kept."""
    if request.POST.get("remove"):
        request.session.pop(SESSION_KEY, None)
        messages.info(request, _("The code was removed."))
        return _back(request)
    code = code_normalise(request.POST.get("code", ""))[:40]
    if not code:
        messages.error(request, _("Please enter a code."))
        return _back(request)
    if not request.user.is_authenticated:
        # Before any look-up: the same answer for every code, so that nobody can find valid
        # codes by trying without an account (a new session each time escapes the limit).
        messages.error(request, _("Please sign in to use a code."))
        return _back(request)
    store = store_for_request(request)
    view = cart_view(cart_get(user=request.user, session=request.session), store)
    try:
        quote = offer_quote(
            code=code,
            customer=request.user if request.user.is_authenticated else None,
            store=store,
            channel=OfferChannel.ONLINE,
            basis=view.total,
            limiter=limiter_for(request),
        )
    except OfferError as error:
        messages.error(request, str(error))
        return _back(request)
    request.session[SESSION_KEY] = code
    if quote is not None:
        messages.success(
            request,
            _("The code %(code)s was applied: %(name)s.") % {"code": code, "name": quote.name},
        )
    return _back(request)
