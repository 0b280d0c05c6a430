"""Staff edit the legal texts here: a change to a text in force is saved as a new version."""

from django import forms
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .errors import LegalTextError
from .models import LegalSettings, LegalText
from .services import contract_model_set, legal_text_check, legal_text_save


class LegalTextForm(forms.ModelForm):
    class Meta:
        model = LegalText
        fields = ("page", "valid_from", "title_de", "title_en", "body_de", "body_en")

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            try:
                legal_text_check(text=self.instance)
            except LegalTextError as exc:
                self.add_error(None, str(exc))


@admin.register(LegalText)
class LegalTextAdmin(admin.ModelAdmin):
    form = LegalTextForm
    list_display = ("page", "valid_from", "title_de", "title_en", "in_force", "created_at")
    list_filter = ("page",)
    date_hierarchy = "valid_from"
    save_as = True  # "Save as new": the way to change a text in force
    save_as_continue = True
    fields = ("page", "valid_from", "title_de", "title_en", "body_de", "body_en")

    @admin.display(boolean=True, description=_("in force"))
    def in_force(self, obj):
        return obj.in_force

    def has_delete_permission(self, request, obj=None):
        # Versions in force are kept for ever (orders point at them); planned ones may go.
        return super().has_delete_permission(request, obj) and (obj is None or not obj.in_force)

    def save_model(self, request, obj, form, change):
        legal_text_save(text=obj)


@admin.register(LegalSettings)
class LegalSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "contract_model", "updated_at")
    fields = ("contract_model",)

    def has_add_permission(self, request):
        return not LegalSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        settings = LegalSettings.objects.first()
        if settings is None:
            return HttpResponseRedirect(reverse("admin:legal_legalsettings_add"))
        return HttpResponseRedirect(reverse("admin:legal_legalsettings_change", args=[settings.pk]))

    def save_model(self, request, obj, form, change):
        obj.pk = contract_model_set(model=obj.contract_model).pk
