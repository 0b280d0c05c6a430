from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_mixins import ReadOnlyAdminMixin

from .models import Notification, NotificationStatus
from .services import NotificationError, notifications_retry

# Store staff see their unread in-app messages (new orders at their store) on the admin index.
admin.site.index_template = "notifications/admin/index.html"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The outbox, read-only: what was sent to whom, and what failed and why."""

    list_display = [
        "created_at",
        "kind",
        "channel",
        "recipient_email",
        "language",
        "status",
        "attempts",
        "sent_at",
        "last_error_short",
    ]
    list_filter = ["status", "kind", "channel", "language"]
    search_fields = ["recipient_email", "recipient__email", "title"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    actions = ["retry"]
    fields = [
        "kind",
        "channel",
        "recipient",
        "recipient_email",
        "language",
        "subject_type",
        "subject_id",
        "status",
        "attempts",
        "last_error",
        "title",
        "body",
        "link",
        "context",
        "created_at",
        "last_attempt_at",
        "sent_at",
        "read_at",
    ]
    readonly_fields = fields

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description=gettext_lazy("last error"))
    def last_error_short(self, obj):
        return (obj.last_error[:80] + "…") if len(obj.last_error) > 80 else obj.last_error

    @admin.action(description=gettext_lazy("Retry the selected failed notifications"))
    def retry(self, request, queryset):
        try:
            count = notifications_retry(
                notification_ids=queryset.filter(status=NotificationStatus.FAILED).values_list(
                    "pk", flat=True
                )
            )
        except NotificationError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, _("%(count)d notification(s) queued again.") % {"count": count})
