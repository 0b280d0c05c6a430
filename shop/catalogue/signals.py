"""Keep the search documents current whoever writes a product: admin, API, services, shell.

Bulk writes (bulk_create, QuerySet.update) send no signals; their callers refresh the index
themselves (the demo data does; `manage.py search_reindex` rebuilds everything).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Category, Product, Variant
from .services import (
    category_product_ids,
    product_search_index_refresh,
    product_search_index_remove,
)
from .webhooks import product_webhook, products_changed_webhook


@receiver(post_save, sender=Product, dispatch_uid="catalogue-search-product")
def _product_saved(sender, instance: Product, raw: bool = False, **kwargs) -> None:
    if not raw:
        product_search_index_refresh(product_ids=[instance.pk])
        product_webhook(instance)


@receiver(post_delete, sender=Product, dispatch_uid="catalogue-search-product-deleted")
def _product_deleted(sender, instance: Product, **kwargs) -> None:
    product_search_index_remove(product_ids=[instance.pk])


@receiver(post_save, sender=Variant, dispatch_uid="catalogue-search-variant")
@receiver(post_delete, sender=Variant, dispatch_uid="catalogue-search-variant-deleted")
def _variant_changed(sender, instance: Variant, raw: bool = False, **kwargs) -> None:
    if not raw and Product.objects.filter(pk=instance.product_id).exists():
        product_search_index_refresh(product_ids=[instance.product_id])
        products_changed_webhook(product_ids=[instance.product_id])


@receiver(post_save, sender=Category, dispatch_uid="catalogue-search-category")
def _category_saved(sender, instance: Category, created: bool, raw: bool = False, **kwargs) -> None:
    if not raw and not created:
        product_search_index_refresh(product_ids=category_product_ids(category=instance))
