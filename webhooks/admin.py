"""Endpoints (register, test ping, resume) and the delivery log (replay), per store.

Who may: Django's model permissions on `webhookendpoint` gate it; a superuser sees every
endpoint, anyone else only those of the stores they manage, and only a superuser registers a
head-office endpoint (no store: every store's events).
"""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_mixins import ReadOnlyAdminMixin
from core.errors import DomainError
from stores.models import StaffRole
from stores.selectors import staff_stores

from .events import event_choices
from .models import DeliveryStatus, EndpointStatus, WebhookDelivery, WebhookEndpoint
from .services import (
    webhook_deliveries_replay,
    webhook_endpoint_ping,
    webhook_endpoints_resume,
    webhook_events_check,
    webhook_url_check,
)


def _managed_stores(request):
    return staff_stores(user=request.user, role=StaffRole.MANAGER)


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        label=gettext_lazy("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy(
            "Where the events are posted, e.g. https://erp.example.com/omnishop. Checked when "
            "you save: the host must be found and be reachable from the internet."
        ),
    )
    events = forms.MultipleChoiceField(
        label=gettext_lazy("events"),
        choices=event_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Only these events are sent to this endpoint."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "store", "events", "status"]
        help_texts = {
            "name": gettext_lazy("For you: which system receives the events."),
            "status": gettext_lazy(
                "Paused: after repeated failures; nothing is sent until the endpoint is resumed "
                "(action in the list), then what waited goes out in order. Switched off: "
                "nothing is queued for it."
            ),
        }

    def clean_url(self):
        try:
            return webhook_url_check(url=self.cleaned_data["url"])
        except DomainError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_events(self):
        try:
            return webhook_events_check(events=self.cleaned_data["events"])
        except DomainError as exc:
            raise forms.ValidationError(str(exc)) from None


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = [
        "name",
        "url_short",
        "store_shown",
        "status",
        "consecutive_failures",
        "log_link",
    ]
    list_filter = ["status", "store"]
    search_fields = ["name", "url"]
    readonly_fields = ["secret_shown", "consecutive_failures", "paused_at", "created_at"]
    actions = ["send_ping", "resume"]

    class Media:
        css = {"all": ["webhooks/admin.css"]}

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("store")
        if request.user.is_superuser:
            return qs
        return qs.filter(store__in=_managed_stores(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "store" and not request.user.is_superuser:
            kwargs["queryset"] = _managed_stores(request)
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not request.user.is_superuser and "store" in form.base_fields:
            form.base_fields["store"].required = True
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            self.message_user(
                request,
                _(
                    "The signing secret of “%(name)s” is %(secret)s. Copy it into the receiving "
                    "system now: only a superuser can see it again."
                )
                % {"name": obj.name, "secret": obj.secret},
                messages.WARNING,
            )

    @admin.display(description=gettext_lazy("signing secret"))
    def secret_shown(self, obj):
        """Superusers see it; others see its start (it was shown in full once, at creation)."""
        if obj is None or not obj.pk:
            return _("Generated when the endpoint is saved.")
        return obj.secret[:10] + "…"

    @admin.display(description=gettext_lazy("signing secret"))
    def secret_full(self, obj):
        if obj is None or not obj.pk:
            return _("Generated when the endpoint is saved.")
        return obj.secret

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            fields[fields.index("secret_shown")] = "secret_full"
        return fields

    @admin.display(description=gettext_lazy("store"), ordering="store__name")
    def store_shown(self, obj):
        return obj.store or _("Every store (head office)")

    @admin.display(description=gettext_lazy("URL"), ordering="url")
    def url_short(self, obj):
        """The host and the start of the path: a long URL must not push the columns away."""
        shown = obj.url.split("://", 1)[-1]
        if len(shown) > 40:
            shown = shown[:39] + "…"
        return format_html('<span class="webhook-url" title="{}">{}</span>', obj.url, shown)

    @admin.display(description=gettext_lazy("deliveries"))
    def log_link(self, obj):
        url = (
            reverse("admin:webhooks_webhookdelivery_changelist") + f"?endpoint__id__exact={obj.pk}"
        )
        return format_html('<a href="{}">{}</a>', url, _("Delivery log"))

    @admin.action(
        description=gettext_lazy("Send a test ping to the selected endpoints"),
        permissions=["change"],
    )
    def send_ping(self, request, queryset):
        for endpoint in queryset:
            result = webhook_endpoint_ping(endpoint=endpoint)
            if result.ok:
                self.message_user(
                    request,
                    _("“%(name)s” answered %(status)s in %(seconds).1f s.")
                    % {"name": endpoint.name, "status": result.status, "seconds": result.seconds},
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    _("“%(name)s” did not accept the ping: %(error)s")
                    % {"name": endpoint.name, "error": result.error or result.status},
                    messages.ERROR,
                )

    @admin.action(
        description=gettext_lazy("Resume the selected endpoints and send what waited"),
        permissions=["change"],
    )
    def resume(self, request, queryset):
        count = webhook_endpoints_resume(
            endpoint_ids=queryset.exclude(status=EndpointStatus.ACTIVE).values_list("pk", flat=True)
        )
        self.message_user(request, _("%(count)d endpoint(s) resumed.") % {"count": count})


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The delivery log: what was sent where, what it answered, and replay."""

    list_display = [
        "created_short",
        "endpoint",
        "event",
        "subject_key",
        "status",
        "attempts",
        "response_status",
        "last_error_short",
    ]
    list_filter = ["status", "event", ("endpoint", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["subject_key", "public_id", "event_id"]
    list_select_related = ["endpoint"]
    date_hierarchy = "created_at"
    actions = ["replay"]
    fields = [
        "public_id",
        "endpoint",
        "event",
        "event_id",
        "subject_key",
        "status",
        "attempts",
        "response_status",
        "last_error",
        "payload",
        "replay_of",
        "created_at",
        "next_attempt_at",
        "last_attempt_at",
        "delivered_at",
    ]
    readonly_fields = fields

    class Media:
        css = {"all": ["webhooks/admin.css"]}

    @admin.display(description=gettext_lazy("created"), ordering="created_at")
    def created_short(self, obj):
        return date_format(timezone.localtime(obj.created_at), "SHORT_DATETIME_FORMAT")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(endpoint__store__in=_managed_stores(request))

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(
            "webhooks.view_webhookendpoint"
        ) or super().has_view_permission(request, obj)

    def has_replay_permission(self, request):
        return request.user.has_perm("webhooks.change_webhookendpoint")

    @admin.display(description=gettext_lazy("last error"))
    def last_error_short(self, obj):
        return (obj.last_error[:60] + "…") if len(obj.last_error) > 60 else obj.last_error

    @admin.action(
        description=gettext_lazy("Send the selected deliveries again"), permissions=["replay"]
    )
    def replay(self, request, queryset):
        try:
            ids = webhook_deliveries_replay(
                delivery_ids=queryset.filter(
                    status__in=(DeliveryStatus.DELIVERED, DeliveryStatus.FAILED)
                ).values_list("pk", flat=True),
                actor=request.user,
            )
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, _("%(count)d delivery(ies) queued again.") % {"count": len(ids)})
