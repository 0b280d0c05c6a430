"""Head office manages coupons and promotions in the admin; the redemption ledger is read-only.

Registered from `loyalty/admin.py`. The form gives every rule a clear field error: a
percentage from 1 to 100 or an amount above 0, at least one channel, a period in order, a
code in the allowed letters (unique, case does not matter) or, for an automatic offer, at least
one tier.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_mixins import ReadOnlyAdminMixin
from core.templatetags.money import format_money

from ..models import Promotion, PromotionRedemption
from .services import code_normalise


class PromotionForm(forms.ModelForm):
    class Meta:
        model = Promotion
        fields = [
            "name",
            "code",
            "kind",
            "percent",
            "amount",
            "min_order",
            "tiers",
            "stores",
            "online",
            "till",
            "valid_from",
            "valid_until",
            "per_customer_limit",
            "total_limit",
            "active",
        ]

    def clean_code(self) -> str:
        code = code_normalise(self.cleaned_data.get("code"))
        clash = Promotion.objects.filter(code=code).exclude(pk=self.instance.pk)
        if code and clash.exists():
            raise forms.ValidationError(
                _("Another promotion has the code %(code)s.") % {"code": code}
            )
        return code

    def clean(self):
        data = super().clean()
        if not data.get("code") and not data.get("tiers"):
            self.add_error(
                "tiers",
                _(
                    "An offer without a code is applied automatically: choose its tiers, or give it a code."
                ),
            )
        return data


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    form = PromotionForm
    list_display = [
        "name",
        "code",
        "kind",
        "percent",
        "amount",
        "min_order",
        "online",
        "till",
        "valid_from",
        "valid_until",
        "uses",
        "active",
    ]
    list_filter = ["active", "kind", "online", "till", "tiers"]
    search_fields = ["name", "code"]
    filter_horizontal = ["tiers", "stores"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _uses=Count(
                    "redemptions", filter=Q(redemptions__released_at__isnull=True), distinct=True
                )
            )
        )

    @admin.display(description=gettext_lazy("uses"), ordering="_uses")
    def uses(self, obj: Promotion) -> int:
        return obj._uses  # type: ignore[attr-defined]


@admin.register(PromotionRedemption)
class PromotionRedemptionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "promotion",
        "channel",
        "store",
        "source",
        "amount",
        "released_at",
    ]
    list_filter = ["channel", "promotion"]
    search_fields = ["source", "order_number", "promotion__code"]
    list_select_related = ["promotion", "store"]
    raw_id_fields = ["customer", "receipt"]

    @admin.display(description=gettext_lazy("discount"))
    def amount(self, obj: PromotionRedemption) -> str:
        return format_money(obj.amount)
