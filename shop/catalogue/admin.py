"""Admin for the catalogue: categories, products with their variants and images, variants."""

from django import forms
from django.contrib import admin
from django.db.models import Count, Max, Min
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_mixins import ReadOnlyAdminMixin
from core.templatetags.money import format_money
from shop.catalogue.models import (
    Category,
    Manufacturer,
    PriceChange,
    Product,
    ProductImage,
    Variant,
)
from shop.catalogue.services import (
    PRICE_FIELDS,
    product_image_add,
    product_image_delete,
    variant_price_set,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "slug", "position", "product_count"]
    list_editable = ["position"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_total=Count("products"))

    @admin.display(description=_("products"), ordering="product_total")
    def product_count(self, obj):
        return obj.product_total


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = [
        "sku",
        "ean",
        "colour",
        "size",
        "price",
        "sale_price",
        "sale_from",
        "sale_until",
        "net_quantity",
        "quantity_unit",
        "is_active",
        "position",
    ]


def _save_variant_with_prices(variant: Variant, actor) -> None:
    """Save a variant from an admin form; its price and sale go through the catalogue service,
    which records them in the price history and works out the sale's reference price."""
    wanted = {field: getattr(variant, field) for field in PRICE_FIELDS}
    if variant.pk:
        stored = Variant.objects.filter(pk=variant.pk).values(*PRICE_FIELDS).first() or {}
        for field, value in stored.items():
            setattr(variant, field, value)
    else:  # a new variant starts at its price; a sale is then a change with a reference price
        variant.sale_price = variant.sale_from = variant.sale_until = None
    variant.save()
    updated = variant_price_set(variant=variant, actor=actor, note="admin", **wanted)
    variant.sale_reference_price = updated.sale_reference_price


class ProductImageForm(forms.ModelForm):
    """A stored image keeps its file; to replace it, delete the row and upload a new one."""

    class Meta:
        model = ProductImage
        fields = ["image", "alt_text", "colour", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["image"].disabled = True


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    form = ProductImageForm
    extra = 0
    fields = ["preview", "image", "alt_text", "colour", "position"]
    readonly_fields = ["preview"]

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if not obj.pk or not obj.thumbnail:
            return "–"
        return format_html(
            '<img src="{}" alt="" style="width:72px;height:72px;object-fit:cover;border-radius:6px">',
            obj.thumbnail.url,
        )


@admin.register(Manufacturer)
class ManufacturerAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "email", "website", "responsible_name"]
    list_filter = ["country"]
    search_fields = ["name", "responsible_name"]
    fieldsets = [
        (None, {"fields": ["name", "address", "country", "email", "website"]}),
        (
            _("Responsible person in the EU (for a manufacturer outside the EU)"),
            {"fields": ["responsible_name", "responsible_address", "responsible_email"]},
        ),
    ]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "brand",
        "category",
        "variant_total",
        "price_range",
        "tax_class",
        "is_active",
    ]
    list_filter = [
        "is_active",
        "tax_class",
        ("category", admin.RelatedOnlyFieldListFilter),
        "brand",
    ]
    list_select_related = ["category", "category__parent"]
    search_fields = ["name", "slug", "brand", "variants__sku", "variants__ean"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["category", "manufacturer"]
    inlines = [VariantInline, ProductImageInline]
    list_per_page = 50

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                variant_count=Count("variants"),
                price_min=Min("variants__price"),
                price_max=Max("variants__price"),
            )
        )

    @admin.display(description=_("variants"), ordering="variant_count")
    def variant_total(self, obj):
        return obj.variant_count

    @admin.display(description=_("price"), ordering="price_min")
    def price_range(self, obj):
        if obj.price_min is None:
            return "–"
        if obj.price_min == obj.price_max:
            return format_money(obj.price_min)
        return f"{format_money(obj.price_min)} – {format_money(obj.price_max)}"

    def save_formset(self, request, form, formset, change):
        if formset.model is Variant:
            variants = formset.save(commit=False)
            for variant in formset.deleted_objects:
                variant.delete()
            for variant in variants:
                _save_variant_with_prices(variant, request.user)
            return None
        if formset.model is not ProductImage:
            return super().save_formset(request, form, formset, change)
        # Images go through the catalogue service, which stores the file and makes the thumbnail.
        # The formset's *_objects lists feed the admin's change message.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for image_form in formset.deleted_forms:
            if image_form.instance.pk:
                formset.deleted_objects.append(image_form.instance)
                product_image_delete(image=image_form.instance)
        for image_form in formset.forms:
            if image_form in formset.deleted_forms or not image_form.has_changed():
                continue
            data = image_form.cleaned_data
            if image_form.instance.pk:
                image_form.save()
                formset.changed_objects.append((image_form.instance, image_form.changed_data))
            else:
                image = product_image_add(
                    product=form.instance,
                    file=data["image"],
                    alt_text=data.get("alt_text", ""),
                    position=data.get("position"),
                )
                formset.new_objects.append(image)


class PriceChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The price history, newest first: written by the catalogue service, never edited."""

    model = PriceChange
    extra = 0
    ordering = ["-changed_at", "-id"]
    fields = ["changed_at", "price", "sale_price", "sale_from", "sale_until", "changed_by", "note"]
    readonly_fields = fields


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    list_display = [
        "sku",
        "product",
        "colour",
        "size",
        "price",
        "sale_price",
        "net_quantity",
        "quantity_unit",
        "ean",
        "is_active",
    ]
    readonly_fields = ["sale_reference_price"]
    inlines = [PriceChangeInline]

    def save_model(self, request, obj, form, change):
        _save_variant_with_prices(obj, request.user)

    list_filter = ["is_active"]
    list_select_related = ["product"]
    search_fields = ["sku", "ean", "product__name", "product__brand"]
    autocomplete_fields = ["product"]


from shop.catalogue.feed import admin as _feed_admin  # noqa: E402, F401  (the catalogue feed)
