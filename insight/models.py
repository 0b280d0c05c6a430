"""What insight records itself: the products members put in an online cart (the cart forgets a line
once it is ordered or removed; cross-channel conversion needs to remember it)."""

import uuid

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


class NpsSurvey(models.Model):
    """“How likely are you to recommend us?” asked once per collected pickup order; the answer
    (0–10 and an optional comment) is given once, from the e-mail's links or the in-app message."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, related_name="+", verbose_name=_("order")
    )
    store = models.ForeignKey(
        "stores.Store", on_delete=models.CASCADE, related_name="+", verbose_name=_("store")
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("customer"),
    )
    asked_at = models.DateTimeField(_("asked"))
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("recommendation survey")
        verbose_name_plural = _("recommendation surveys")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=10),
                name="nps_score_0_to_10",
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True, answered_at__isnull=True)
                | models.Q(score__isnull=False, answered_at__isnull=False),
                name="nps_answer_complete",
            ),
        ]
        indexes = [models.Index(fields=["store", "answered_at"], name="nps_store_answered")]

    def __str__(self):
        return f"{self.order_id}: {self.score}"
