"""Placing an order paid online the way checkout does, and paying it on the fake server."""

from shop.orders.models import Cart, CartLine
from shop.orders.services.checkout import checkout_place


def checkout_online(shopper, store, items, *, token="tok-1", billing=None):  # noqa: S107
    cart, _ = Cart.objects.get_or_create(user=shopper)
    for variant, quantity in items:
        CartLine.objects.update_or_create(
            cart=cart, variant=variant, defaults={"quantity": quantity}
        )
    return checkout_place(
        cart=cart,
        customer=shopper,
        store=store,
        phone="+49 30 1234567",
        token=token,
        payment_method="stripe",
        billing=billing or {},
    )


def pay(fake, order, card="4242424242424242"):
    """The shopper confirms with a card on the fake server (what Stripe.js does)."""
    intent = fake.intents[order.payment.intent_id]
    status, body = fake.handle(
        "POST",
        f"/v1/payment_intents/{intent['id']}/confirm",
        {
            "client_secret": intent["client_secret"],
            "payment_method_data": {"card": {"number": card}},
        },
        {"Authorization": "Bearer pk_test_omnishop"},
    )
    return status, body
