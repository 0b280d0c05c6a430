"""Returns in the admin: read-only records, scoped to the staff member's stores.

Every change goes through the desk page (or the API), which call `returns.services`; the admin
shows the request, its lines, refund and timeline, and links to the desk.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.admin_mixins import ReadOnlyAdminMixin
from core.templatetags.money import format_money, format_percent, format_vat_note

from .models import Refund, ReturnEvent, ReturnLine, ReturnRequest


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0


class ReturnLineInline(ReadOnlyInline):
    model = ReturnLine
    fields = ["order_line", "quantity", "condition", "reject_reason", "refund_amount", "vat"]
    readonly_fields = fields

    @admin.display(description=_("VAT"))
    def vat(self, obj):
        if not obj.pk:
            return "–"
        return f"{format_percent(obj.vat_rate)}: {format_money(obj.vat_amount)}"


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = [
        "amount",
        "method",
        "points_taken_back",
        "points_deducted_value",
        "vat",
        "created_by",
        "created_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("VAT"))
    def vat(self, obj):
        notes = [format_vat_note(amount) for amount in obj.vat_breakdown] if obj.pk else []
        return format_html_join(mark_safe("<br>"), "{}", ((note,) for note in notes)) or "–"


class ReturnEventInline(ReadOnlyInline):
    model = ReturnEvent
    fields = ["created_at", "from_status", "to_status", "actor", "store", "note_text"]
    readonly_fields = fields


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin):
    list_display = ["code", "order", "customer", "status", "reason", "received_store", "created_at"]
    list_filter = ["status", "reason", "received_store"]
    search_fields = ["=code", "=order__number", "customer__email"]
    list_select_related = ["order", "customer", "received_store"]
    date_hierarchy = "created_at"
    inlines = [ReturnLineInline, RefundInline, ReturnEventInline]
    fields = [
        "desk_link",
        "code",
        "order",
        "customer",
        "status",
        "reason",
        "comment",
        "created_at",
        "created_by",
        "received_at",
        "received_store",
        "received_by",
        "override_reason",
        "override_by",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).for_staff(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Desk"))
    def desk_link(self, obj):
        url = reverse("returns:desk_return", kwargs={"public_id": obj.public_id})
        return format_html('<a href="{}">{}</a>', url, _("Open on the returns desk"))
