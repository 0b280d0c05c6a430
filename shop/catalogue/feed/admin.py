"""The catalogue feed in the admin: upload a CSV/XLSX/JSON file, see what it would change, then
apply it (or discard it); every feed, whatever its source, is listed with its outcome.

Our own small preview rather than django-import-export: a feed row is a variant inside a
product, applied all or nothing with deactivation of what a full feed leaves out and prices
through the price history. import-export's per-model, per-row resources would need all of that
rebuilt around them; the preview here is the service's own dry run, so what is shown is exactly
what applying does.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop.catalogue.errors import CatalogueFeedRejected
from shop.catalogue.models import CatalogueImport

from .reading import feed_from_stored, feed_read_file, feed_to_data
from .services import catalogue_feed_import

SCOPE = "shop.import_catalogue"
COUNT_LABELS = {
    "products_created": gettext_lazy("New products"),
    "products_updated": gettext_lazy("Products changed"),
    "products_deactivated": gettext_lazy("Products deactivated"),
    "variants_created": gettext_lazy("New variants"),
    "variants_updated": gettext_lazy("Variants changed"),
    "variants_deactivated": gettext_lazy("Variants deactivated"),
    "price_changes": gettext_lazy("Price changes"),
}


class FeedUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Feed file"),
        help_text=gettext_lazy(
            "CSV (comma or semicolon) or Excel (.xlsx) with one row per variant and the columns "
            "slug, name, category, sku, price (optional: brand, description, tax_class, active, "
            "ean, size, colour, net_quantity, quantity_unit, variant_active, sale_price, "
            "sale_from, sale_until); or the API's JSON."
        ),
    )
    full = forms.BooleanField(
        label=gettext_lazy("Full feed: deactivate every product the file does not list"),
        required=False,
    )


@admin.register(CatalogueImport)
class CatalogueImportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "status", "file_name", "changes"]
    list_filter = ["status", "source"]
    readonly_fields = [
        "source",
        "status",
        "full",
        "file_name",
        "products",
        "summary",
        "problems",
        "created_by",
        "created_at",
        "applied_at",
    ]
    change_list_template = "admin/shop/catalogueimport/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("changes"))
    def changes(self, obj):
        if obj.status == CatalogueImport.Status.REJECTED:
            return _("%(n)d problem(s)") % {"n": len(obj.problems)}
        counts = [
            f"{label}: {obj.summary.get(key, 0)}"
            for key, label in COUNT_LABELS.items()
            if obj.summary.get(key)
        ]
        return "; ".join(counts) or "–"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.upload_view), name="shop_catalogueimport_upload"),
            path("<int:pk>/preview/", wrap(self.preview_view), name="shop_catalogueimport_preview"),
            *super().get_urls(),
        ]

    def _check_scope(self, request):
        if not request.user.has_perm(SCOPE):
            raise PermissionDenied

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **extra,
        }

    def upload_view(self, request):
        """Read the file, check it and store a preview of what it would change."""
        self._check_scope(request)
        form = FeedUploadForm(request.POST or None, request.FILES or None)
        problems = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                products, json_full = feed_read_file(upload.read(), upload.name)
                full = form.cleaned_data["full"] or bool(json_full)
                report = catalogue_feed_import(
                    feed=products,
                    full=full,
                    source=CatalogueImport.Source.ADMIN,
                    actor=request.user,
                    dry_run=True,
                    file_name=upload.name,
                )
            except CatalogueFeedRejected as error:
                problems = error.problems
                self.message_user(request, str(error), messages.ERROR)
            else:
                preview = CatalogueImport.objects.create(
                    source=CatalogueImport.Source.ADMIN,
                    status=CatalogueImport.Status.PREVIEW,
                    full=full,
                    file_name=upload.name[:200],
                    products=len(products),
                    summary=report.summary(),
                    payload=feed_to_data(products, full=full),
                    created_by=request.user,
                )
                return HttpResponseRedirect(
                    reverse("admin:shop_catalogueimport_preview", args=[preview.pk])
                )
        context = self._context(request, _("Upload a catalogue feed"), form=form, problems=problems)
        return TemplateResponse(request, "admin/shop/catalogueimport/upload.html", context)

    def preview_view(self, request, pk):
        """What the stored feed would change; POST applies (re-checked) or discards it."""
        self._check_scope(request)
        preview = get_object_or_404(CatalogueImport, pk=pk, status=CatalogueImport.Status.PREVIEW)
        if request.method == "POST":
            if "discard" in request.POST:
                preview.status = CatalogueImport.Status.DISCARDED
                preview.payload = None
                preview.save(update_fields=["status", "payload"])
                self.message_user(request, _("The feed was discarded; nothing changed."))
                return HttpResponseRedirect(reverse("admin:shop_catalogueimport_changelist"))
            products, full = feed_from_stored(preview.payload)
            try:
                report = catalogue_feed_import(
                    feed=products,
                    full=full,
                    source=CatalogueImport.Source.ADMIN,
                    actor=request.user,
                    preview=preview,
                )
            except CatalogueFeedRejected as error:
                # The catalogue changed since the preview (e.g. a slug was taken meanwhile).
                self.message_user(request, str(error), messages.ERROR)
                return HttpResponseRedirect(
                    reverse("admin:shop_catalogueimport_change", args=[preview.pk])
                )
            self.message_user(
                request,
                _("The feed was applied: %(counts)s.")
                % {
                    "counts": ", ".join(
                        f"{COUNT_LABELS[k]} {n}" for k, n in report.counts().items()
                    )
                },
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:shop_catalogueimport_changelist"))
        summary = preview.summary
        counts = [(label, summary.get(key, 0)) for key, label in COUNT_LABELS.items()]
        context = self._context(
            request,
            _("Preview of the catalogue feed “%(file)s”") % {"file": preview.file_name},
            preview=preview,
            counts=counts,
            samples=summary.get("samples", {}),
            changed=any(n for _label, n in counts),
        )
        return TemplateResponse(request, "admin/shop/catalogueimport/preview.html", context)
