"""The pickup queue in the Django admin: the main tool of store associates.

Staff see only the orders of their stores (superusers all); another store's order is a 404.
Nothing is edited directly: every button (actions, mark short, handover) calls one service
from `shop.orders.services.orders` and reports its outcome as an admin message.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_mixins import ReadOnlyAdminMixin
from core.templatetags.money import format_money
from inventory.selectors import shortfalls_for_references
from shop.orders.errors import OrderError
from shop.orders.forms import ShortPickForm
from shop.orders.models import HandoverAttempt, Order, OrderStatus, OrderWithdrawal
from shop.orders.models.orders import OPEN_STATUSES
from shop.orders.order_display import duration_short
from shop.orders.pickup_codes import pickup_code_normalize
from shop.orders.selectors.orders import (
    PROMISED_STATUSES,
    QUEUE_ORDERING,
    is_overdue,
    orders_for_staff,
    overdue_q,
    queue_state_counts,
    with_item_counts,
)
from shop.orders.selectors.rescue import rescues_by_order
from shop.orders.services import orders as services
from stores.admin_filters import StaffStoreFilter
from stores.display import due_label
from stores.selectors import staff_stores

User = get_user_model()


class QueueStatusFilter(admin.SimpleListFilter):
    """The queue shows open orders unless asked otherwise; finished ones sit behind the filter.

    Keeps the parameter of Django's own status filter, so bookmarks such as
    `?status__exact=ready` still work.
    """

    title = _("status")
    parameter_name = "status__exact"
    OPEN = "open"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [(self.OPEN, _("Open (to pick or hand over)")), *OrderStatus.choices]

    def queryset(self, request, queryset):
        value = self.value() or self.OPEN
        if value == self.OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        if value in OrderStatus.values:
            return queryset.filter(status=value)
        return queryset  # "all"

    def choices(self, changelist):
        current = self.value() or self.OPEN
        for value, label in [(self.ALL, _("All")), *self.lookup_choices]:
            yield {
                "selected": current == str(value),
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(overdue_q())
        return queryset


def _run(modeladmin, request, queryset, step, done_message):
    """Call `step(order=…, actor=…)` per order; one message for the successes, one per failure."""
    done = 0
    for order in queryset:
        try:
            step(order=order, actor=request.user)
        except OrderError as exc:
            modeladmin.message_user(request, f"{order.number}: {exc}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)


@admin.action(description=_("Start picking"), permissions=["change"])
def start_picking(modeladmin, request, queryset):
    _run(
        modeladmin,
        request,
        queryset,
        services.order_start_picking,
        lambda n: (
            ngettext("Picking started for %d order.", "Picking started for %d orders.", n) % n
        ),
    )


@admin.action(description=_("Mark ready for pickup"), permissions=["change"])
def mark_ready(modeladmin, request, queryset):
    _run(
        modeladmin,
        request,
        queryset,
        services.order_mark_ready,
        lambda n: (
            ngettext("%d order is ready for pickup.", "%d orders are ready for pickup.", n) % n
        ),
    )


@admin.action(description=_("Cancel"), permissions=["change"])
def cancel(modeladmin, request, queryset):
    _run(
        modeladmin,
        request,
        queryset,
        services.order_cancel,
        lambda n: ngettext("%d order cancelled.", "%d orders cancelled.", n) % n,
    )


# The change page's buttons: url name → (service, target status, button label, success message).
TRANSITIONS = {
    "start-picking": (
        services.order_start_picking,
        OrderStatus.PICKING,
        _("Start picking"),
        _("Picking started."),
    ),
    "mark-ready": (
        services.order_mark_ready,
        OrderStatus.READY,
        _("Mark ready for pickup"),
        _("The order is ready for pickup."),
    ),
    "cancel": (
        services.order_cancel,
        OrderStatus.CANCELLED,
        _("Cancel order"),
        _("The order is cancelled."),
    ),
}


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    # The pickup queue: columns chosen to fit 1024 px without sideways scrolling.
    list_display = [
        "number_flag",
        "customer_name",
        "items",
        "status_pill",
        "age",
        "reserved_until",
        "amount",
        "stock_flag",
    ]
    list_display_links = ["number_flag"]
    list_filter = [QueueStatusFilter, StaffStoreFilter, OverdueFilter, "promise_kept"]
    list_select_related = ["store", "customer"]
    list_per_page = 50
    show_full_result_count = False
    ordering = list(QUEUE_ORDERING)
    search_help_text = _("Order number, pickup code or the customer's full e-mail address")
    search_fields = ["number"]  # the real search is get_search_results
    actions = [start_picking, mark_ready, cancel]
    date_hierarchy = None
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("number", "status"),
                    ("store", "hold_until"),
                    ("promised_ready_at", "promise_kept"),
                    ("customer", "phone"),
                    ("total", "amount_due"),
                    ("points_redeemed", "loyalty_discount", "store_credit_used"),
                    ("offer_name", "offer_discount"),
                ]
            },
        ),
        (
            _("Contract"),
            {"fields": ["contract_model", ("terms_version", "privacy_version"), "withdrawal_info"]},
        ),
        (
            _("Times and contact"),
            {
                "classes": ["collapse"],
                "fields": [
                    "email",
                    "language",
                    "created_at",
                    "picking_started_at",
                    "ready_at",
                    "collected_at",
                    "cancelled_at",
                    "expired_at",
                ],
            },
        ),
    ]
    readonly_fields = [
        "number",
        "status",
        "store",
        "hold_until",
        "promised_ready_at",
        "promise_kept",
        "customer",
        "phone",
        "total",
        "amount_due",
        "points_redeemed",
        "loyalty_discount",
        "offer_name",
        "offer_discount",
        "store_credit_used",
        "email",
        "language",
        "created_at",
        "picking_started_at",
        "ready_at",
        "collected_at",
        "cancelled_at",
        "expired_at",
        "contract_model",
        "terms_version",
        "privacy_version",
        "withdrawal_info",
    ]

    class Media:
        css = {"all": ["css/desk.css"]}

    def get_queryset(self, request):
        return with_item_counts(orders_for_staff(request.user))

    @admin.display(description=_("withdrawal"))
    def withdrawal_info(self, order):
        withdrawal = OrderWithdrawal.objects.filter(order=order).first()
        if withdrawal is None:
            return "—"
        return _("received %(when)s from %(name)s <%(email)s>") % {
            "when": date_format(timezone.localtime(withdrawal.received_at), "DATETIME_FORMAT"),
            "name": withdrawal.name,
            "email": withdrawal.email,
        }

    def get_changelist_instance(self, request):
        """The page of orders, each with the units it lost to the shelf (one query per page)."""
        changelist = super().get_changelist_instance(request)
        orders = list(changelist.result_list)  # evaluates the page once; the template reuses it
        found = shortfalls_for_references([order.number for order in orders])
        for order in orders:
            order.shortfalls = found.get(order.number, [])
        return changelist

    def get_search_results(self, request, queryset, search_term):
        """Exact matches only, each backed by a unique or plain index: fast with 100,000 orders."""
        term = search_term.strip()
        if not term:
            return queryset, False
        match = Q(number=term.upper()) | Q(pickup_code=pickup_code_normalize(term))
        if "@" in term:
            customers = list(User.objects.filter(email=term.lower()).values_list("pk", flat=True))
            match |= Q(customer_id__in=customers)
        return queryset.filter(match), False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_list_display(self, request):
        """The store column only for someone who works in more than one store."""
        columns = list(super().get_list_display(request))
        if request.user.is_superuser or staff_stores(user=request.user).count() > 1:
            columns.insert(1, "store")
        return columns

    def changelist_view(self, request, extra_context=None):
        """The queue's header: open orders per state (and overdue) in the stores one works in."""
        counts = queue_state_counts(self.get_queryset(request))
        states = [
            ("placed", OrderStatus.PLACED.label, {"status__exact": "placed"}),
            ("picking", OrderStatus.PICKING.label, {"status__exact": "picking"}),
            ("ready", OrderStatus.READY.label, {"status__exact": "ready"}),
            ("overdue", _("Overdue"), {"overdue": "yes"}),
        ]
        context = {
            "queue_states": [
                (key, label, counts[key], "?" + "&".join(f"{k}={v}" for k, v in query.items()))
                for key, label, query in states
            ],
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=context)

    @admin.display(description=_("number"), ordering="number")
    def number_flag(self, order):
        """The order number, marked when the order is late (placed too long ago or past its hold)."""
        if is_overdue(order):
            return format_html(
                '{}<br><span class="staff-pill staff-pill--late" data-testid="overdue">{}</span>',
                order.number,
                _("overdue"),
            )
        return order.number

    @admin.display(description=_("customer"), ordering="customer__email")
    def customer_name(self, order):
        customer = order.customer
        name = customer.get_full_name()
        if not name:
            return customer.email
        return format_html('{}<br><span class="quiet">{}</span>', name, customer.email)

    @admin.display(description=_("status"), ordering="status")
    def status_pill(self, order):
        """The state; while the order is prepared, by when it was promised ("by 16:00")."""
        pill = format_html(
            '<span class="staff-pill staff-pill--{}">{}</span>',
            order.status,
            order.get_status_display(),
        )
        if order.promised_ready_at is None or order.status not in PROMISED_STATUSES:
            return pill
        return format_html(
            '{}<br><time class="quiet" datetime="{}" data-testid="promised">{}</time>',
            pill,
            order.promised_ready_at.isoformat(),
            due_label(order.promised_ready_at, timezone.now()),
        )

    @admin.display(description=_("reserved until"), ordering="hold_until")
    def reserved_until(self, order):
        if not order.hold_until or not order.is_open:
            return "–"
        until = timezone.localtime(order.hold_until)
        return format_html(
            '<time datetime="{}">{}<br>{}</time>',
            until.isoformat(),
            date_format(until, "SHORT_DATE_FORMAT"),
            date_format(until, "TIME_FORMAT"),
        )

    @admin.display(description=_("to pay"), ordering="amount_due")
    def amount(self, order):
        return format_html('<span class="nowrap">{}</span>', format_money(order.amount_due))

    @admin.display(description=_("waiting"))
    def age(self, order):
        if not order.is_open:
            return "–"
        return duration_short(timezone.now() - order.created_at)

    @admin.display(description=_("items"))
    def items(self, order):
        return order.items

    @admin.display(description=_("shortfall"))
    def stock_flag(self, order):
        """A warning when the shelf took units promised to this order (till sale, count…)."""
        shortfalls = getattr(order, "shortfalls", [])
        if not shortfalls:
            return ""
        units = sum(s.units_missing for s in shortfalls)
        return format_html(
            '<span class="pickup-admin__shortfall" title="{}">⚠ {}</span>',
            ", ".join(f"{s.units_missing} × {s.variant.sku}" for s in shortfalls),
            ngettext("%d unit missing", "%d units missing", units) % units,
        )

    # --- change view: lines, timeline, handover -------------------------------------------

    def _order_or_404(self, request, object_id) -> Order:
        order = self.get_object(request, unquote(object_id))
        if order is None:
            raise Http404(_("No such order in your stores."))
        return order

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self._order_or_404(request, object_id)
        failed = HandoverAttempt.objects.filter(
            order=order,
            success=False,
            created_at__gt=timezone.now() - services.WRONG_CODE_WINDOW,
        ).count()
        context = {
            "order": order,
            "lines": list(order.lines.all()),
            "events": list(order.events.select_related("actor")),
            "can_change": self.has_change_permission(request, order),
            "transitions": [
                (name, label)
                for name, (_step, target, label, _done) in TRANSITIONS.items()
                if target in services.TRANSITIONS.get(order.status, ())
            ],
            "wrong_codes": failed,
            "shortfalls": shortfalls_for_references([order.number]).get(order.number, []),
            "rescues": rescues_by_order(order_ids=[order.pk]).get(order.pk, []),
            "max_wrong_codes": services.WRONG_CODES_PER_ORDER,
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete_link": False,
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context=context)

    def history_view(self, request, object_id, extra_context=None):
        self._order_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/transition/<slug:name>/",
                view(self.transition_view),
                name="orders_order_transition",
            ),
            path(
                "<path:object_id>/lines/<int:line_id>/short/",
                view(self.mark_short_view),
                name="orders_order_mark_short",
            ),
            path(
                "<path:object_id>/handover/",
                view(self.handover_view),
                name="orders_order_handover",
            ),
            *super().get_urls(),
        ]

    def _guarded(self, request, object_id):
        """The order for a POST of someone allowed to change it; 404 for another store's."""
        if request.method != "POST":
            return None, HttpResponseNotAllowed(["POST"])
        order = self._order_or_404(request, object_id)
        if not self.has_change_permission(request, order):
            raise Http404
        return order, None

    def _back(self, order):
        return HttpResponseRedirect(reverse("admin:orders_order_change", args=[order.pk]))

    def transition_view(self, request, object_id, name):
        order, refusal = self._guarded(request, object_id)
        if refusal:
            return refusal
        if name not in TRANSITIONS:
            raise Http404
        step, _target, _label, done = TRANSITIONS[name]
        try:
            step(order=order, actor=request.user)
        except OrderError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return self._back(order)

    def mark_short_view(self, request, object_id, line_id):
        order, refusal = self._guarded(request, object_id)
        if refusal:
            return refusal
        line = order.lines.filter(pk=line_id).first()
        if line is None:
            raise Http404
        form = ShortPickForm(request.POST)
        if not form.is_valid():
            self.message_user(request, form.first_error(), messages.ERROR)
            return self._back(order)
        units = form.cleaned_data["units"]
        try:
            order = services.order_mark_line_short(
                line=line,
                units=units,
                actor=request.user,
                already_short=form.cleaned_data["already_short"],
            )
        except OrderError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            message = _("%(units)d × %(sku)s marked short.") % {"units": units, "sku": line.sku}
            if order.status == OrderStatus.CANCELLED:
                message += " " + str(_("Nothing is left to hand over: the order is cancelled."))
            self.message_user(request, message, messages.SUCCESS)
        return self._back(order)

    def handover_view(self, request, object_id):
        order, refusal = self._guarded(request, object_id)
        if refusal:
            return refusal
        try:
            order = services.order_collect(
                order=order,
                code=request.POST.get("code", ""),
                actor=request.user,
                ip=request.META.get("REMOTE_ADDR"),
            )
        except OrderError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(
                request,
                _("Handed over. Amount due at the counter: %(amount)s.")
                % {"amount": format_money(order.amount_due)},
                messages.SUCCESS,
            )
        return self._back(order)


@admin.register(HandoverAttempt)
class HandoverAttemptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Pickup codes entered at the counters of one's stores: who tried which order, and when."""

    list_display = ["created_at", "store", "order", "actor", "success", "ip"]
    list_filter = ["success", StaffStoreFilter]
    list_select_related = ["store", "order", "actor"]
    show_full_result_count = False
    ordering = ["-created_at"]
    fields = list_display

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(store__in=staff_stores(user=request.user).values("pk"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404  # another store's attempt looks like a missing one
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().history_view(request, object_id, extra_context)


@admin.register(OrderWithdrawal)
class OrderWithdrawalAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Withdrawals received through the withdrawal button (§ 356a BGB); written only there."""

    list_display = ["received_at", "order", "name", "email", "status_at_receipt"]
    list_select_related = ["order"]
    search_fields = ["order__number", "email"]
    ordering = ["-received_at"]
    fields = [*list_display, "language"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(order__store__in=staff_stores(user=request.user))
