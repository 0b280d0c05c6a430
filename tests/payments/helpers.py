"""Placing an order paid online the way checkout does, and paying it on the fake server."""

from shop.orders.models import Cart, CartLine
from shop.orders.services.checkout import checkout_place

# Stripe's test payment methods: authorised at once, declined, and one that asks for 3-D Secure.
CARD_OK = "pm_card_visa"
CARD_DECLINED = "pm_card_chargeDeclined"
CARD_3DS = "pm_card_authenticationRequired"


def checkout_online(shopper, store, items, *, token="tok-1", billing=None, card=CARD_3DS):  # noqa: S107
    """Checkout paying online with `card` (the PaymentMethod the browser created). The default
    asks for 3-D Secure, so the order waits as `payment_pending` until `pay()` completes it."""
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
        payment_details={"payment_method_id": card},
    )


def pay(fake, order, *, approve=True):
    """The shopper completes (or fails) 3-D Secure on the bank's page (the fake server's)."""
    intent = fake.three_d_secure(order.payment.intent_id, approve=approve)
    return intent


def pay_with_card(fake, order, card="4242424242424242"):
    """After a failed 3-D Secure: the shopper tries another card on the pay page (Stripe.js
    confirms the intent with its client secret)."""
    intent = fake.intents[order.payment.intent_id]
    return fake.handle(
        "POST",
        f"/v1/payment_intents/{intent['id']}/confirm",
        {
            "client_secret": intent["client_secret"],
            "payment_method_data": {"card": {"number": card}},
        },
        {"Authorization": "Bearer pk_test_omnishop"},
    )
