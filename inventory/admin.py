from django.contrib import admin

from .models import Reservation, StockLevel, StockMovement


class StoreScopedAdmin(admin.ModelAdmin):
    """Staff see only rows of the stores they belong to; superusers see all."""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(store__memberships__user=request.user)


@admin.register(StockLevel)
class StockLevelAdmin(StoreScopedAdmin):
    list_display = ["variant", "store", "on_hand", "reserved", "safety_buffer", "updated_at"]
    list_filter = ["store"]
    search_fields = ["variant__sku", "variant__product__name"]
    list_select_related = ["variant__product", "store"]
    readonly_fields = ["store", "variant", "on_hand", "reserved", "updated_at"]
    fields = ["store", "variant", "on_hand", "reserved", "safety_buffer", "updated_at"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False


@admin.register(StockMovement)
class StockMovementAdmin(StoreScopedAdmin):
    list_display = [
        "created_at",
        "store",
        "variant",
        "kind",
        "quantity",
        "reserved_delta",
        "reference",
    ]
    list_filter = ["kind", "store"]
    search_fields = ["variant__sku", "reference", "external_id"]
    list_select_related = ["variant__product", "store"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reservation)
class ReservationAdmin(StoreScopedAdmin):
    list_display = ["reference", "store", "variant", "quantity", "created_at"]
    list_filter = ["store"]
    search_fields = ["reference", "variant__sku"]
    list_select_related = ["variant__product", "store"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
