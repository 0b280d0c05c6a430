"""Erasure on a request received by post (logged), the consents and the access audit (read-only)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, LogEntry
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.admin_mixins import ReadOnlyAdminMixin

from .errors import CustomerError
from .models import CustomerAccess, DataExport, Erasure, MarketingConsent
from .services.erasure import erase_customer


class ErasureRequestForm(forms.ModelForm):
    customer_email = forms.EmailField(
        label=gettext_lazy("Customer's e-mail address"),
        help_text=gettext_lazy("The address of the account to erase, as given in the request."),
    )

    class Meta:
        model = Erasure
        fields = ["reason"]
        help_texts = {"reason": gettext_lazy('The request, e.g. "letter of 28 Nov 2026".')}

    def clean_customer_email(self):
        email = self.cleaned_data["customer_email"]
        customer = User.objects.filter(email__iexact=email).first()
        if customer is None:
            raise forms.ValidationError(_("No account has this e-mail address."))
        self.customer = customer
        return email


@admin.register(Erasure)
class ErasureAdmin(admin.ModelAdmin):
    list_display = ["created_at", "customer_id", "channel", "by", "reason"]
    list_filter = ["channel"]
    readonly_fields = ["customer", "by", "channel", "reason", "orders_cancelled", "created_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ErasureRequestForm
            kwargs["fields"] = ["customer_email", "reason"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ["customer_email", "reason"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        if request.method != "POST":
            return super().add_view(request, form_url, extra_context)
        form = ErasureRequestForm(request.POST)
        if form.is_valid():
            try:
                erasure = erase_customer(
                    user=form.customer, by=request.user, reason=form.cleaned_data["reason"]
                )
            except CustomerError as error:
                self.message_user(request, str(error), messages.ERROR)
                return HttpResponseRedirect(request.path)
            else:
                LogEntry.objects.log_actions(
                    user_id=request.user.pk,
                    queryset=[erasure],
                    action_flag=ADDITION,
                    change_message=[{"added": {}}],
                    single_object=True,
                )
                self.message_user(
                    request,
                    _("The account was erased; %(n)d open order(s) cancelled.")
                    % {"n": len(erasure.orders_cancelled)},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:customers_erasure_changelist"))
        return super().add_view(request, form_url, extra_context)


@admin.register(MarketingConsent)
class MarketingConsentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "user_id", "granted", "source", "language"]
    list_filter = ["granted", "source"]


@admin.register(CustomerAccess)
class CustomerAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "staff", "store", "customer_id", "page", "found"]
    list_filter = ["kind", "store"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("staff", "store")


@admin.register(DataExport)
class DataExportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "user_id", "status", "expires_at"]
    exclude = ["content"]
