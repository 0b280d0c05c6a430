"""The catalogue's event sent to webhook endpoints (registered in CatalogueConfig.ready()).

`product.changed`: a product or one of its variants was saved (admin, API, services); queued by
the post_save receivers in `signals`, so inside the transaction of the save, ordered per product
(subject key "product:<id>"). Bulk writes (the catalogue feed) send no signals and no event.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from webhooks.events import EventKind
from webhooks.services import webhook_event_queue

from .models import Product


class WebhookVariantSerializer(serializers.Serializer):
    sku = serializers.CharField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    sale_price = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    is_active = serializers.BooleanField()


class WebhookProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    is_active = serializers.BooleanField()
    variants = WebhookVariantSerializer(many=True, source="variants.all")

    class Meta:
        ref_name = "WebhookProductData"


EVENTS = [EventKind("product.changed", _("Product changed"), WebhookProductSerializer)]


def product_webhook(product: Product) -> None:
    webhook_event_queue(
        event="product.changed",
        subject_key=f"product:{product.pk}",
        payload=lambda: dict(WebhookProductSerializer(product).data),
    )
