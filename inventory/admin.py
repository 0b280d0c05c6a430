from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kombu.exceptions import OperationalError

from core.admin_mixins import ReadOnlyAdminMixin
from stores.admin_filters import StaffStoreFilter
from stores.selectors import staff_stores

from .alerts import stock_alerts_fire
from .counts import stock_count_approve, stock_count_reject
from .errors import CountError, SnapshotRejected
from .models import (
    ReconciliationFinding,
    ReconciliationRun,
    Reservation,
    StockAlert,
    StockCount,
    StockCountLine,
    StockLevel,
    StockMovement,
    StockShortfall,
)
from .services import stock_shortfalls_resolve
from .snapshots import snapshot_read, stock_snapshot_import
from .stock_versions import stock_changed
from .texts import STOCK_MOVEMENT_TEXTS

SNAPSHOT_REPORT_LIMIT = 500


def staff_store_ids(user) -> set[int] | None:
    """The stores a person may change stock for; None means all (superuser)."""
    if user.is_superuser:
        return None
    return set(staff_stores(user=user).values_list("pk", flat=True))


class StoreScopedAdmin(admin.ModelAdmin):
    """Staff see only rows of the stores they belong to; superusers see all."""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(store__in=staff_stores(user=request.user))


class ReadOnlyAdmin(ReadOnlyAdminMixin, StoreScopedAdmin):
    pass


class BelowReorderPointFilter(admin.SimpleListFilter):
    title = gettext_lazy("reorder point")
    parameter_name = "reorder"

    def lookups(self, request, model_admin):
        return [("below", gettext_lazy("At or below reorder point"))]

    def queryset(self, request, queryset):
        if self.value() == "below":
            return queryset.below_reorder_point()
        return queryset


class SnapshotForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Snapshot file"),
        help_text=gettext_lazy(
            "CSV with the columns store, sku, quantity (comma or semicolon), or a JSON list."
        ),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Only show the differences, change nothing"),
        required=False,
        initial=True,
    )


@admin.register(StockLevel)
class StockLevelAdmin(StoreScopedAdmin):
    list_display = [
        "variant",
        "store",
        "on_hand",
        "reserved",
        "safety_buffer",
        "reorder_point",
        "updated_at",
    ]
    list_filter = [BelowReorderPointFilter, StaffStoreFilter]
    search_fields = ["variant__sku", "variant__product__name"]
    list_select_related = ["variant__product", "store"]
    readonly_fields = ["store", "variant", "on_hand", "reserved", "updated_at"]
    fields = [
        "store",
        "variant",
        "on_hand",
        "reserved",
        "safety_buffer",
        "reorder_point",
        "updated_at",
    ]
    show_full_result_count = False
    change_list_template = "admin/inventory/stocklevel/change_list.html"

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)  # in the admin's transaction
        if "safety_buffer" in form.changed_data:
            stock_changed(store_id=obj.store_id, variant_ids=[obj.variant_id])
            # a smaller buffer makes units available
            stock_alerts_fire(store_id=obj.store_id, variant_ids=[obj.variant_id])

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="inventory_stocklevel_import"), *super().get_urls()]

    def import_view(self, request):
        """Upload an on-hand snapshot for the stores this person works for."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = SnapshotForm(request.POST or None, request.FILES or None)
        report = problems = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = stock_snapshot_import(
                    rows=snapshot_read(upload.read(), upload.name),
                    user=request.user,
                    allowed_store_ids=staff_store_ids(request.user),
                    dry_run=form.cleaned_data["dry_run"],
                    note=STOCK_MOVEMENT_TEXTS.make("snapshot_admin", name=upload.name),
                )
            except (SnapshotRejected, UnicodeDecodeError) as error:
                problems = getattr(error, "problems", [])
                self.message_user(
                    request,
                    str(error) if problems else _("The file is not UTF-8 text."),
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    (
                        _("Dry run: %(n)d of %(rows)d rows differ; nothing was changed.")
                        if report.dry_run
                        else _("%(n)d of %(rows)d rows differed and were adjusted.")
                    )
                    % {"n": len(report.differences), "rows": report.rows},
                    messages.INFO if report.dry_run else messages.SUCCESS,
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import a stock snapshot"),
            "form": form,
            "report": report,
            "differences": report.differences[:SNAPSHOT_REPORT_LIMIT] if report else [],
            "problems": problems,
            "limit": SNAPSHOT_REPORT_LIMIT,
        }
        return TemplateResponse(request, "admin/inventory/stocklevel/import.html", context)


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "store",
        "variant",
        "kind",
        "quantity",
        "reserved_delta",
        "reference",
        "external_id",
        "note_text",
        "occurred_at",
    ]
    list_filter = ["kind", StaffStoreFilter]
    search_fields = ["variant__sku", "reference", "external_id"]
    list_select_related = ["variant__product", "store"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ["reference", "store", "variant", "quantity", "created_at"]
    list_filter = [StaffStoreFilter]
    search_fields = ["reference", "variant__sku"]
    list_select_related = ["variant__product", "store"]


@admin.register(StockShortfall)
class StockShortfallAdmin(StoreScopedAdmin):
    """Pickup orders that lost reserved units to the shelf: call the customer, adjust the order."""

    list_display = [
        "created_at",
        "reference",
        "store",
        "variant",
        "units_missing",
        "cause",
        "resolved",
    ]
    list_filter = ["resolved", "cause", StaffStoreFilter]
    search_fields = ["reference", "variant__sku"]
    list_select_related = ["variant__product", "store"]
    actions = ["mark_resolved"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.action(description=gettext_lazy("Mark as resolved"), permissions=["change"])
    def mark_resolved(self, request, queryset):
        done = stock_shortfalls_resolve(
            shortfall_ids=queryset.values_list("pk", flat=True), user=request.user
        )
        self.message_user(request, _("%(n)d shortfall(s) marked as resolved.") % {"n": done})


class StockCountLineInline(admin.TabularInline):
    model = StockCountLine
    fields = ["variant", "counted", "system_on_hand", "variance", "needs_approval"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(StockCount)
class StockCountAdmin(StoreScopedAdmin):
    list_display = ["__str__", "store", "status", "created_by", "created_at", "decided_by"]
    list_filter = ["status", StaffStoreFilter]
    list_select_related = ["store", "created_by", "decided_by"]
    inlines = [StockCountLineInline]
    readonly_fields = [
        "store",
        "status",
        "note",
        "created_by",
        "created_at",
        "submitted_at",
        "decided_by",
        "decided_at",
        "applied_at",
    ]
    fields = readonly_fields
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, service, done_message):
        for count in queryset:
            try:
                service(count=count, user=request.user)
            except CountError as error:
                self.message_user(request, f"{count}: {error}", messages.ERROR)
            else:
                self.message_user(request, done_message % {"count": count}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Approve and apply the selected counts"))
    def approve(self, request, queryset):
        self._decide(request, queryset, stock_count_approve, _("%(count)s approved and applied."))

    @admin.action(description=gettext_lazy("Reject the selected counts"))
    def reject(self, request, queryset):
        self._decide(request, queryset, stock_count_reject, _("%(count)s rejected."))


class FindingInline(admin.TabularInline):
    model = ReconciliationFinding
    fields = ["store", "variant", "kind", "expected", "actual", "repaired"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("store", "variant__product")
        if request.user.is_superuser:
            return qs
        return qs.filter(store__in=staff_stores(user=request.user))


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "finished_at",
        "status",
        "levels_checked",
        "findings_count",
        "repaired_count",
        "triggered_by",
    ]
    list_filter = ["status"]
    list_select_related = ["triggered_by"]
    inlines = [FindingInline]
    fields = [*list_display, "stores", "error"]
    readonly_fields = fields
    change_list_template = "admin/inventory/reconciliationrun/change_list.html"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        mine = staff_stores(user=request.user)
        return (qs.filter(stores=None) | qs.filter(stores__in=mine)).distinct()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view(self.run_now_view)
        return [path("run/", view, name="inventory_reconciliationrun_run"), *super().get_urls()]

    def run_now_view(self, request):
        """Queue a reconciliation of every store (superuser) or of the person's own stores."""
        if request.method != "POST" or not self.has_view_permission(request):
            raise PermissionDenied
        from .tasks import reconcile_stock

        store_ids = staff_store_ids(request.user)
        args = (None if store_ids is None else sorted(store_ids), request.user.pk)
        try:
            reconcile_stock.delay(*args)
        except OperationalError:
            self.message_user(
                request, _("The task queue is not reachable; try again later."), messages.ERROR
            )
        else:
            self.message_user(
                request,
                _("Reconciliation started; its run appears in this list when it is done."),
                messages.SUCCESS,
            )
        return redirect(reverse("admin:inventory_reconciliationrun_changelist"))


@admin.register(ReconciliationFinding)
class ReconciliationFindingAdmin(ReadOnlyAdmin):
    list_display = ["run", "store", "variant", "kind", "expected", "actual", "repaired"]
    list_filter = ["kind", "repaired", StaffStoreFilter]
    search_fields = ["variant__sku"]
    list_select_related = ["run", "store", "variant__product"]


@admin.register(StockAlert)
class StockAlertAdmin(ReadOnlyAdmin):
    """What shoppers wait for at the store: demand to reorder by. Who asked is not shown; the
    shopper manages their alert in their account."""

    list_display = ["created_at", "store", "variant", "status", "confirmed_at", "sent_at"]
    list_filter = ["status", StaffStoreFilter]
    search_fields = ["variant__sku", "variant__product__name"]
    list_select_related = ["variant__product", "store"]
    date_hierarchy = "created_at"
    fields = ["store", "variant", "status", "created_at", "confirmed_at", "sent_at", "ended_at"]
    show_full_result_count = False
