"""Payments in the admin: read-only records (money moves only through the order and return
flows), the store's payment options, and the payment ledger on the order's own admin page."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin_mixins import ReadOnlyAdminMixin
from core.templatetags.money import format_money
from shop.orders.models import Order
from stores.selectors import staff_stores

from .models import Invoice, Payment, PaymentEntry, StorePaymentOptions, WebhookEvent


def _euros(cents: int) -> str:
    from decimal import Decimal

    return format_money(Decimal(cents) / 100)


class PaymentEntryInline(admin.TabularInline):
    """The order's payment ledger (authorised, captured, voided, refunded), read-only."""

    model = PaymentEntry
    fk_name = "order"
    fields = ("created_at", "kind", "amount", "provider_ref", "note")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name = _("payment ledger entry")
    verbose_name_plural = _("payment ledger")

    @admin.display(description=_("amount"))
    def amount(self, entry):
        return _euros(entry.amount_cents)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Part of the order page: whoever may see the order sees how it was paid.
        return request.user.has_perm("orders.view_order") or request.user.has_perm(
            "orders.change_order"
        )


_order_admin = admin.site._registry.get(Order)
if _order_admin is not None:
    _order_admin.inlines = [*_order_admin.inlines, PaymentEntryInline]


class StaffStoreScoped:
    """Staff see the payments and invoices of their own stores' orders only."""

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(order__store__in=staff_stores(user=request.user))
            .select_related("order")
        )


@admin.register(Payment)
class PaymentAdmin(StaffStoreScoped, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "order",
        "intent_id",
        "status",
        "authorised",
        "captured",
        "refunded",
        "created_at",
    )
    list_filter = ("status",)
    search_fields = ("order__number", "intent_id")
    inlines = [type("Entries", (PaymentEntryInline,), {"fk_name": "payment"})]

    @admin.display(description=_("authorised"))
    def authorised(self, payment):
        return _euros(payment.amount_cents)

    @admin.display(description=_("captured"))
    def captured(self, payment):
        return _euros(payment.captured_cents)

    @admin.display(description=_("refunded"))
    def refunded(self, payment):
        return _euros(payment.refunded_cents)


@admin.register(Invoice)
class InvoiceAdmin(StaffStoreScoped, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "kind", "order", "total", "issued_at")
    list_filter = ("kind", "year")
    search_fields = ("number", "order__number")

    @admin.display(description=_("total"))
    def total(self, invoice):
        return _euros(invoice.total_cents)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("event_id", "type", "intent_id", "outcome", "received_at")
    search_fields = ("event_id", "intent_id")

    def has_module_permission(self, request):
        return request.user.is_superuser


@admin.register(StorePaymentOptions)
class StorePaymentOptionsAdmin(admin.ModelAdmin):
    list_display = ("store", "online_enabled", "methods")
