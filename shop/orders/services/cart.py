"""Every write to a cart. A cart follows the shopper: it belongs to the account once logged in,
and an anonymous shopper's cart (found through a token in the session) merges into it on login.
"""

import datetime as dt

from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.types import AnyUser
from shop.catalogue.models import Variant
from shop.orders.errors import CartError
from shop.orders.models import Cart, CartLine
from shop.orders.models.cart import CART_SESSION_KEY as SESSION_KEY
from shop.orders.models.cart import MAX_LINE_QUANTITY


def _check_quantity(quantity: object) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise CartError(_("The quantity must be a whole number."))
    if not 1 <= quantity <= MAX_LINE_QUANTITY:
        raise CartError(
            _("The quantity must be between 1 and %(max)d.") % {"max": MAX_LINE_QUANTITY}
        )
    return quantity


def _active_variant(variant_id: object) -> Variant:
    if isinstance(variant_id, bool) or not isinstance(variant_id, int):
        raise CartError(_("Unknown product."))
    variant = (
        Variant.objects.filter(pk=variant_id, is_active=True, product__is_active=True)
        .select_related("product")
        .first()
    )
    if variant is None:
        raise CartError(_("This product is not available any more."))
    return variant


def lock_cart(*, cart: Cart) -> None:
    """Lock the cart row for this transaction (the UPDATE takes the row lock) and mark it used."""
    if not Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now()):
        raise CartError(_("Your cart has changed in the meantime. Please reload the page."))


def cart_get(*, user: AnyUser, session: SessionBase) -> Cart | None:
    """The shopper's cart, if there is one: the account's, else the session's anonymous cart."""
    if user.is_authenticated:
        return Cart.objects.filter(user=user).first()
    token = session.get(SESSION_KEY)
    if not token:
        return None
    return Cart.objects.filter(token=token, user__isnull=True).first()


@transaction.atomic
def cart_get_or_create(*, user: AnyUser, session: SessionBase) -> Cart:
    """The shopper's cart, created on first use (an anonymous one is remembered in the session)."""
    if user.is_authenticated:
        account_cart, _created = Cart.objects.get_or_create(user=user)
        return account_cart
    cart = cart_get(user=user, session=session)
    if cart is None:
        cart = Cart.objects.create()
        session[SESSION_KEY] = str(cart.token)
    return cart


@transaction.atomic
def cart_add(*, cart: Cart, variant_id: int, quantity: int) -> CartLine:
    """Put `quantity` units of a variant into the cart, on top of what is already there."""
    quantity = _check_quantity(quantity)
    variant = _active_variant(variant_id)
    lock_cart(cart=cart)
    line = CartLine.objects.filter(cart=cart, variant=variant).first()
    if line is None:
        line = CartLine.objects.create(cart=cart, variant=variant, quantity=quantity)
    else:
        if line.quantity + quantity > MAX_LINE_QUANTITY:
            raise CartError(
                _(
                    "You already have %(have)d in your cart; at most %(max)d of an item fit in one order."
                )
                % {"have": line.quantity, "max": MAX_LINE_QUANTITY}
            )
        line.quantity += quantity
        line.save(update_fields=["quantity"])
    return line


@transaction.atomic
def cart_set_quantity(*, cart: Cart, variant_id: int, quantity: int) -> CartLine:
    """Change the quantity of a line already in the cart."""
    quantity = _check_quantity(quantity)
    lock_cart(cart=cart)
    line = _line(cart, variant_id)
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    return line


@transaction.atomic
def cart_remove(*, cart: Cart, variant_id: int) -> None:
    lock_cart(cart=cart)
    _line(cart, variant_id).delete()


@transaction.atomic
def cart_clear(*, cart: Cart) -> None:
    lock_cart(cart=cart)
    CartLine.objects.filter(cart=cart).delete()


@transaction.atomic
def cart_merge(*, source: Cart, target: Cart) -> Cart:
    """Move every line of `source` into `target` (quantities add up, capped at the maximum)
    and delete `source`. Both carts are locked in primary-key order."""
    if source.pk == target.pk:
        return target
    list(Cart.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk"))
    existing = {line.variant_id: line for line in CartLine.objects.filter(cart=target)}
    for line in CartLine.objects.filter(cart=source):
        current = existing.get(line.variant_id)
        if current is None:
            # One by one (a cart holds a few lines): each new line of the account's cart sends
            # post_save, so whoever listens (insight's cart additions) hears of it.
            CartLine.objects.create(cart=target, variant_id=line.variant_id, quantity=line.quantity)
        else:
            current.quantity = min(current.quantity + line.quantity, MAX_LINE_QUANTITY)
            current.save(update_fields=["quantity"])
    source.delete()
    return target


@transaction.atomic
def cart_merge_on_login(*, user: User, session: SessionBase) -> None:
    """On login, the anonymous cart of this session joins the account's cart and is gone."""
    token = session.pop(SESSION_KEY, None)
    if not token:
        return
    source = Cart.objects.filter(token=token, user__isnull=True).first()
    if source is None:
        return
    target, _created = Cart.objects.get_or_create(user=user)
    cart_merge(source=source, target=target)


ABANDONED_AFTER = dt.timedelta(days=30)


@transaction.atomic
def cart_purge_abandoned(*, older_than: dt.timedelta = ABANDONED_AFTER) -> int:
    """Delete anonymous carts nobody has touched for `older_than`; returns how many.

    An account's cart stays: it is the shopper's, on every device, until they empty it.
    """
    if older_than <= dt.timedelta(0):
        raise CartError(_("The age of an abandoned cart must be positive."))
    stale = Cart.objects.filter(user__isnull=True, updated_at__lt=timezone.now() - older_than)
    _total, per_model = stale.delete()
    return per_model.get(Cart._meta.label, 0)


def _line(cart: Cart, variant_id: object) -> CartLine:
    if isinstance(variant_id, bool) or not isinstance(variant_id, int):
        raise CartError(_("Unknown product."))
    line = CartLine.objects.filter(cart=cart, variant_id=variant_id).first()
    if line is None:
        raise CartError(_("This item is not in your cart any more."))
    return line
