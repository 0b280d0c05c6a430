from django.contrib import admin

from .models import OpeningHours, StaffMembership, Store


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


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
        "pickup_enabled",
        "pickup_hold_days",
        "is_active",
    ]
    list_filter = ["is_active", "pickup_enabled", "city"]
    search_fields = ["code", "name", "city", "postcode"]
    inlines = [OpeningHoursInline, StaffMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).for_staff(request.user)

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
