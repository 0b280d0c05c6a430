import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_mixins import ReadOnlyAdminMixin
from stores.selectors import staff_stores

from .errors import LookupRateLimited, LoyaltyError
from .forms import PointsAdjustForm
from .models import (
    CardLookup,
    LoyaltyAccount,
    PointsEntry,
    StoreCreditEntry,
    Tier,
    TierChange,
    TillReceipt,
    TillReceiptLine,
)
from .selectors import account_balance
from .services import account_search_by_staff, may_adjust_points, points_adjust

ADMIN_LOOKUP_VISIBLE = dt.timedelta(days=1)  # how long a found account stays open to its finder


def _accounts_looked_up_by(staff):
    """The accounts a staff member found by an exact search within the last day: all a store
    manager may see of the chain's shoppers (ids, as a subquery)."""
    return CardLookup.objects.filter(
        staff=staff,
        account__isnull=False,
        created_at__gte=timezone.now() - ADMIN_LOOKUP_VISIBLE,
    ).values("account_id")


class LookedUpAccountsOnlyMixin:
    """Ledger rows of a shopper: superusers see all; other staff only those of the accounts
    they looked up (as on the account page), never a list of every shopper's entries."""

    account_path = "account"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.account_path}__in": _accounts_looked_up_by(request.user)})


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ["name", "min_spend_12m", "multiplier"]
    list_editable = ["min_spend_12m", "multiplier"]
    ordering = ["min_spend_12m"]


class PointsEntryInline(admin.TabularInline):
    model = PointsEntry
    fields = ["occurred_at", "kind", "points", "amount", "store", "channel", "source", "actor"]
    readonly_fields = fields
    ordering = ["-occurred_at", "-id"]
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("store", "actor")


@admin.register(LoyaltyAccount)
class LoyaltyAccountAdmin(admin.ModelAdmin):
    list_display = ["card_number", "user", "tier", "balance_display", "created_at"]
    list_filter = ["tier"]
    search_fields = ["card_number", "user__email", "user__last_name"]
    ordering = ["-created_at", "-id"]
    list_select_related = ["user", "tier"]
    readonly_fields = [
        "user",
        "card_number",
        "tier",
        "balance_display",
        "created_at",
        "adjust_link",
    ]
    fields = readonly_fields
    inlines = [PointsEntryInline]
    show_full_result_count = False

    def get_queryset(self, request):
        """Superusers see every account. Other staff (store managers) see only the accounts they
        found by an exact search (see get_search_results) within the last day: no list of the
        chain's shoppers."""
        queryset = super().get_queryset(request).with_balance()
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=_accounts_looked_up_by(request.user))

    def get_search_results(self, request, queryset, search_term):
        if request.user.is_superuser or not search_term.strip():
            return super().get_search_results(request, queryset, search_term)
        try:
            found = account_search_by_staff(staff=request.user, query=search_term)
        except LookupRateLimited as error:
            self.message_user(request, str(error), messages.ERROR)
            return queryset.none(), False
        if found is None:
            self.message_user(
                request,
                _("No account: search by the full card number or the exact e-mail address."),
                messages.WARNING,
            )
            return queryset.none(), False
        # The lookup just logged makes the account visible (get_queryset) to this person.
        return self.get_queryset(request).filter(pk=found.pk), False

    @admin.display(description=gettext_lazy("points balance"), ordering="balance")
    def balance_display(self, obj):
        return obj.balance if hasattr(obj, "balance") else account_balance(obj)

    @admin.display(description=gettext_lazy("manual adjustment"))
    def adjust_link(self, obj):
        url = reverse("admin:loyalty_loyaltyaccount_adjust", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Adjust points"))

    def has_add_permission(self, request):
        return False  # every user gets an account when it is created

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/adjust/",
                self.admin_site.admin_view(self.adjust_view),
                name="loyalty_loyaltyaccount_adjust",
            ),
            *super().get_urls(),
        ]

    def adjust_view(self, request, pk):
        """Manual points adjustment by a manager, with a reason (calls `points_adjust`)."""
        if not may_adjust_points(actor=request.user):
            raise PermissionDenied
        account = get_object_or_404(
            self.get_queryset(request).select_related("user", "tier"), pk=pk
        )
        form = PointsAdjustForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                entry = points_adjust(
                    account=account,
                    points=form.cleaned_data["points"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except LoyaltyError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request,
                    _("%(points)+d points booked on card %(card)s.")
                    % {"points": entry.points, "card": account.card_number},
                    messages.SUCCESS,
                )
                return redirect("admin:loyalty_loyaltyaccount_change", account.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Adjust points of card %(card)s") % {"card": account.card_number},
            "account": account,
            "balance": account_balance(account),
            "form": form,
        }
        return render(request, "admin/loyalty/adjust_points.html", context)


@admin.register(PointsEntry)
class PointsEntryAdmin(LookedUpAccountsOnlyMixin, ReadOnlyAdmin):
    list_display = [
        "occurred_at",
        "account",
        "kind",
        "points",
        "amount",
        "store",
        "channel",
        "source",
        "description_text",
        "actor",
    ]
    list_filter = ["kind", "channel", "store"]
    search_fields = ["account__card_number", "account__user__email", "source"]
    list_select_related = ["account", "store", "actor"]
    date_hierarchy = "occurred_at"
    show_full_result_count = False


@admin.register(TierChange)
class TierChangeAdmin(LookedUpAccountsOnlyMixin, ReadOnlyAdmin):
    list_display = ["created_at", "account", "from_tier", "to_tier", "spend_12m", "notified_at"]
    list_filter = ["to_tier"]
    search_fields = ["account__card_number", "account__user__email"]
    list_select_related = ["account", "from_tier", "to_tier"]


@admin.register(CardLookup)
class CardLookupAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "staff", "store", "card_number", "account", "purpose"]
    list_filter = ["purpose", "store"]
    search_fields = ["card_number", "staff__email"]
    list_select_related = ["staff", "store", "account"]
    date_hierarchy = "created_at"


@admin.register(StoreCreditEntry)
class StoreCreditEntryAdmin(LookedUpAccountsOnlyMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    account_path = "user__loyalty_account"
    list_display = ["user", "amount", "source", "created_at"]
    search_fields = ["user__email", "=source"]
    list_select_related = ["user"]
    readonly_fields = ["user", "amount", "source", "note_text", "created_at"]


class TillReceiptLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TillReceiptLine
    fields = ["position", "variant", "quantity", "unit_price", "discount", "amount"]
    readonly_fields = fields
    extra = 0


@admin.register(TillReceipt)
class TillReceiptAdmin(ReadOnlyAdmin):
    """Receipts booked by the stores' tills with their lines; staff see their stores' only."""

    list_display = ["number", "store", "occurred_at", "total", "account"]
    list_filter = ["store"]
    search_fields = ["number", "account__card_number"]
    date_hierarchy = "occurred_at"
    list_select_related = ["store", "account"]
    inlines = [TillReceiptLineInline]
    readonly_fields = [
        "store",
        "number",
        "account",
        "points_entry",
        "total",
        "offer_discount",
        "occurred_at",
    ]
    exclude = ["fingerprint"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(store__in=staff_stores(user=request.user))


from .offers import admin as offers_admin  # noqa: E402, F401  (registers the promotions)
