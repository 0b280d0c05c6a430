"""The nightly result of the co-purchase count, read by the product page and the card page.

Rows are written only by `shop.recommendations.services.recommendations_compute`, which
replaces all of them at once; nothing else writes here.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class AlsoBought(models.Model):
    """Customers who bought `product` also bought `related`: `score` is the number of baskets
    (one customer's purchases in every channel, or one till receipt without a card) that hold
    both."""

    product = models.ForeignKey(
        "shop.Product",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("product"),
    )
    related = models.ForeignKey(
        "shop.Product",
        on_delete=models.CASCADE,
        related_name="also_bought_rows",
        verbose_name=_("also bought"),
    )
    score = models.PositiveIntegerField(_("baskets with both"))
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("also bought")
        verbose_name_plural = _("also bought")
        constraints = [
            models.UniqueConstraint(fields=["product", "related"], name="alsobought_unique_pair"),
            models.CheckConstraint(
                condition=~Q(product=F("related")), name="alsobought_not_itself"
            ),
        ]
        indexes = [models.Index(fields=["product", "-score"], name="alsobought_product_score")]

    def __str__(self):
        return f"{self.product_id} → {self.related_id} ({self.score})"


class CustomerPick(models.Model):
    """A product for one customer ("Für Sie"): the sum of the co-purchase scores with what the
    customer bought; never a product the customer bought."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("customer"),
    )
    product = models.ForeignKey(
        "shop.Product",
        on_delete=models.CASCADE,
        related_name="customer_pick_rows",
        verbose_name=_("product"),
    )
    score = models.PositiveIntegerField(_("score"))
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("pick for a customer")
        verbose_name_plural = _("picks for customers")
        constraints = [
            models.UniqueConstraint(fields=["customer", "product"], name="customerpick_unique")
        ]
        indexes = [models.Index(fields=["customer", "-score"], name="customerpick_customer_score")]

    def __str__(self):
        return f"{self.customer_id} → {self.product_id} ({self.score})"
