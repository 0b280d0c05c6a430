"""The server-side cart: one per account, or one per anonymous session (found by its token)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MAX_LINE_QUANTITY = 99
# Where the session keeps the token of an anonymous cart.
CART_SESSION_KEY = "cart_token"


class Cart(models.Model):
    """A shopper's cart. A logged-in shopper has exactly one (`user`); an anonymous shopper's
    cart has no user and is found through `token`, which the session keeps."""

    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="cart",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        db_table = "shop_cart"  # the table it had as part of the "shop" app
        verbose_name = _("cart")
        verbose_name_plural = _("carts")

    def __str__(self):
        return str(self.user) if self.user_id else f"{_('anonymous')} {str(self.token)[:8]}"


class CartLine(models.Model):
    cart = models.ForeignKey(
        Cart, on_delete=models.CASCADE, related_name="lines", verbose_name=_("cart")
    )
    variant = models.ForeignKey(
        "shop.Variant", on_delete=models.CASCADE, related_name="+", verbose_name=_("variant")
    )
    quantity = models.PositiveSmallIntegerField(_("quantity"))
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        db_table = "shop_cartline"  # the table it had as part of the "shop" app
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="cartline_unique_variant"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=MAX_LINE_QUANTITY),
                name="cartline_quantity_range",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.variant_id}"

    @property
    def line_total(self):
        return self.variant.current_price * self.quantity

    @property
    def vat_rate(self):
        return self.variant.product.vat_rate
