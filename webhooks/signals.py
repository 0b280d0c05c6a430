"""Forget the cached subscriptions (`webhooks.selectors`) whenever an endpoint changes what it
wants: any save that may touch its events, store or status (admin, shell, services), and any
delete (also a store's, which deletes its endpoints). A delivery's bookkeeping (the failure
count) does not."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import WebhookEndpoint
from .services import webhook_subscriptions_changed

SUBSCRIPTION_FIELDS = {"events", "store", "store_id", "status"}


@receiver(post_save, sender=WebhookEndpoint, dispatch_uid="webhooks-endpoint-saved")
def _endpoint_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if update_fields is None or SUBSCRIPTION_FIELDS & set(update_fields):
        webhook_subscriptions_changed()


@receiver(post_delete, sender=WebhookEndpoint, dispatch_uid="webhooks-endpoint-deleted")
def _endpoint_deleted(sender, instance, **kwargs):
    webhook_subscriptions_changed()
