"""Framework hooks. Django announces a login only through `user_logged_in`; the receiver
hands over to the cart service and does nothing else."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from shop.orders.services.cart import cart_merge_on_login


@receiver(user_logged_in, dispatch_uid="shop.cart_merge_on_login")
def merge_cart_on_login(sender, request, user, **kwargs):
    if request is not None:
        cart_merge_on_login(user=user, session=request.session)
