import datetime as dt

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import OpeningHours, SpecialDay, StaffMembership, Store, StoreApiToken
from .selectors import staff_stores
from .tokens import store_token_create


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class SpecialDayInline(admin.TabularInline):
    """Days with other hours than usual, or closed (public holidays come from the state)."""

    model = SpecialDay
    extra = 1
    fields = ["date", "closed", "opens", "closes", "note"]

    def get_queryset(self, request):
        # Past special days stay in the database but would crowd the form.
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        return super().get_queryset(request).filter(date__gte=yesterday)


class StaffMembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "city",
        "postcode",
        "state",
        "pickup_enabled",
        "pickup_hold_days",
        "is_active",
    ]
    list_filter = ["is_active", "pickup_enabled", "state", "city"]
    search_fields = ["code", "name", "city", "postcode"]
    inlines = [OpeningHoursInline, SpecialDayInline, StaffMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=staff_stores(user=request.user))

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "store", "role"]
    list_filter = ["role", "store"]
    search_fields = ["user__email", "store__name", "store__code"]
    autocomplete_fields = ["user", "store"]

    def has_module_permission(self, request):
        return request.user.is_superuser


@admin.register(StoreApiToken)
class StoreApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "store", "prefix", "is_active", "created_at", "last_used_at"]
    list_filter = ["is_active", "store"]
    search_fields = ["name", "prefix", "store__code"]
    fields = ["store", "name", "is_active", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        token, key = store_token_create(store=obj.store, name=obj.name)
        obj.pk, obj.prefix, obj.digest = token.pk, token.prefix, token.digest
        messages.warning(request, _("The token's key, shown only now: %(key)s") % {"key": key})
