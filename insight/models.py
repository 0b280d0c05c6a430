"""What insight records itself: the products members put in an online cart (the cart forgets a line
once it is ordered or removed; cross-channel conversion needs to remember it)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CartAddition(models.Model):
    """A signed-in shopper put a variant into the online cart (one row per line added)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("customer"),
    )
    variant = models.ForeignKey(
        "shop.Variant", on_delete=models.CASCADE, related_name="+", verbose_name=_("variant")
    )
    added_at = models.DateTimeField(_("added"), db_index=True)

    class Meta:
        verbose_name = _("cart addition")
        verbose_name_plural = _("cart additions")
        indexes = [models.Index(fields=["user", "added_at"], name="cartaddition_user_date")]
        permissions = [("view_all_stores", _("Can see the KPIs of every store (head office)"))]

    def __str__(self):
        return f"{self.user_id}: {self.variant_id}"
