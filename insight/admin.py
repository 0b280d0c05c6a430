from django.contrib import admin

from core.admin_mixins import ReadOnlyAdminMixin
from stores.selectors import staff_stores

from .models import NpsSurvey


@admin.register(NpsSurvey)
class NpsSurveyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The recommendation survey's answers; staff see their stores' only."""

    list_display = ["order", "store", "asked_at", "score", "answered_at"]
    list_filter = ["store", "score"]
    list_select_related = ["order", "store"]
    readonly_fields = ["order", "store", "customer", "asked_at", "score", "comment", "answered_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(store__in=staff_stores(user=request.user))
