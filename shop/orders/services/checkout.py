"""Turning the shopper's cart into a pickup order."""

from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from shop.catalogue.models import Variant
from shop.orders.errors import CartError
from shop.orders.models import Cart, Order
from shop.orders.payments import payment_method_for
from shop.orders.selectors.cart import cart_lines
from shop.orders.services.cart import cart_clear, lock_cart
from shop.orders.services.collector import order_collector_set
from shop.orders.services.orders import Placement, order_place, order_placement
from stores.models import Store


@transaction.atomic
def checkout_place(
    *,
    cart: Cart,
    customer: User,
    store: Store,
    phone: str,
    token: str,
    points_to_redeem: int = 0,
    use_store_credit: bool = False,
    collector_name: str = "",
    collector_email: str = "",
    payment_method: str = "counter",
    billing: Mapping[str, str] | None = None,
    payment_details: Mapping[str, str] | None = None,
    coupon_code: str = "",
    coupon_limiter: str = "",
) -> Order:
    """Place the cart as one pickup order at `store` and empty the cart, in one transaction.

    `token` is the checkout form's one-time token, used as the order's idempotency key: a double
    click or a reload returns the order placed first. The phone number is kept on the account for
    next time. Points and store credit are passed on to `order_place`; a person named to collect
    is recorded with `order_collector_set` (their own code) in the same transaction. Raises OrderShortage /
    OrderError (nothing reserved, cart unchanged) or CartError.

    With an online `payment_method` the order waits as `payment_pending` and the method's
    `begin` asks the provider for the authorisation in this same transaction: stock reserved and
    payment started in one step; a provider refusal (PaymentFailed, PaymentDeclined for a
    declined card) undoes both: nothing is reserved and the cart stays as it was. `billing` names
    a company, VAT ID and address for the invoice; `payment_details` what the browser collected
    for the provider (`payment_method_id`) and the `site_url` it was ordered on. `coupon_code`
    goes to `order_place` (an OfferError places nothing).
    """
    # A second submit of the same form waits here until the first has committed.
    lock_cart(cart=cart)
    existing = (
        Order.objects.filter(customer=customer, idempotency_key=token).first() if token else None
    )
    if existing is not None:
        return existing
    lines = [(line.variant, line.quantity) for line in cart_lines(cart)]
    if not lines:
        raise CartError(_("Your cart is empty."))
    order = order_place(
        customer=customer,
        store=store,
        lines=lines,
        phone=phone,
        idempotency_key=token,
        points_to_redeem=points_to_redeem,
        use_store_credit=use_store_credit,
        payment_method=payment_method,
        coupon_code=coupon_code,
        coupon_limiter=coupon_limiter,
    )
    if customer.phone != order.phone:
        customer.phone = order.phone
        customer.save(update_fields=["phone"])
    if collector_name.strip():
        order = order_collector_set(
            order=order, actor=customer, name=collector_name, email=collector_email
        )
    # The provider last: whatever else could refuse the checkout has been checked by now, so a
    # card is never authorised for a checkout that is then rolled back for another reason.
    method = payment_method_for(order)
    method.begin(order, billing or {}, payment_details or {})
    if method.online:
        order.refresh_from_db()  # an authorisation granted at once has placed it
    cart_clear(cart=cart)
    return order


@transaction.atomic(savepoint=False)
def checkout_place_lines(
    *,
    customer: User,
    store: Store,
    lines: Sequence[tuple[Variant, int]],
    phone: str,
    idempotency_key: str = "",
    points_to_redeem: int = 0,
    use_store_credit: bool = False,
    payment_method: str = "counter",
    billing: Mapping[str, str] | None = None,
    payment_details: Mapping[str, str] | None = None,
    coupon_code: str = "",
) -> Placement:
    """The API's checkout: `order_placement` of the given lines and, for an order this call
    created, the payment method's `begin` in the same transaction (as `checkout_place`: a
    declined card or a provider refusal places and reserves nothing). A replay of the
    Idempotency-Key returns the order placed first and starts no second payment."""
    placement = order_placement(
        customer=customer,
        store=store,
        lines=lines,
        phone=phone,
        idempotency_key=idempotency_key,
        points_to_redeem=points_to_redeem,
        use_store_credit=use_store_credit,
        payment_method=payment_method,
        coupon_code=coupon_code,
    )
    if placement.created:
        method = payment_method_for(placement.order)
        method.begin(placement.order, billing or {}, payment_details or {})
        if method.online:
            placement.order.refresh_from_db()  # an authorisation granted at once has placed it
    return placement
