"""The catalogue's event sent to webhook endpoints (registered in CatalogueConfig.ready()).

`product.changed`: a product or one of its variants was saved (admin, API, services); queued by
the post_save receivers in `signals`, so inside the transaction of the save, ordered per product
(subject key "product:<id>"). Bulk writes send no signals: the catalogue feed calls
`products_changed_webhook` once with every product it created, changed or deactivated.
"""

from collections.abc import Collection, Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from webhooks.events import EventKind
from webhooks.selectors import webhook_event_wanted
from webhooks.services import webhook_event_queue, webhook_events_queue

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


CHUNK = 1000  # products read per query (with one more for their variants)


def products_changed_webhook(*, product_ids: Collection[int]) -> None:
    """One `product.changed` per product, written in bulk in the caller's transaction. Asks
    the cache once whether any endpoint wants the event; only then are the products read (two
    queries per thousand) and the deliveries written (bulk inserts)."""
    if not product_ids or not webhook_event_wanted(event="product.changed"):
        return
    ids = sorted(set(product_ids))

    def subjects() -> Iterator[tuple[str, dict[str, Any]]]:
        for start in range(0, len(ids), CHUNK):
            chunk = Product.objects.filter(pk__in=ids[start : start + CHUNK]).order_by("pk")
            for product in chunk.prefetch_related("variants"):
                yield f"product:{product.pk}", dict(WebhookProductSerializer(product).data)

    webhook_events_queue(event="product.changed", subjects=subjects)
