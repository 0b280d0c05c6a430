"""Members' cart additions, recorded when the cart line is created (any path: page, API, merge)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from shop.orders.models import CartLine

from .models import CartAddition


@receiver(post_save, sender=CartLine, dispatch_uid="insight_cart_addition")
def cart_line_added(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    user_id = instance.cart.user_id
    if user_id is not None:
        CartAddition.objects.create(
            user_id=user_id, variant_id=instance.variant_id, added_at=instance.added_at
        )
