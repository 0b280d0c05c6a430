"""What insight hears from orders: members' cart additions (a line new in a member's cart,
added one by one or merged from the anonymous cart at login; a line whose quantity only grows
was carted before) and collected orders (the recommendation survey)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from shop.orders.models import CartLine, OrderEvent, OrderStatus

from .models import CartAddition
from .services import nps_survey_open


@receiver(post_save, sender=CartLine, dispatch_uid="insight_cart_addition")
def cart_line_added(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    user_id = instance.cart.user_id
    if user_id is not None:
        CartAddition.objects.create(
            user_id=user_id, variant_id=instance.variant_id, added_at=instance.added_at
        )


@receiver(post_save, sender=OrderEvent, dispatch_uid="insight_nps_after_collection")
def order_collected(sender, instance, created, raw=False, **kwargs):
    """After a pickup order is collected its shopper is asked, once, whether they recommend us."""
    if created and not raw and instance.to_status == OrderStatus.COLLECTED:
        nps_survey_open(order=instance.order)
