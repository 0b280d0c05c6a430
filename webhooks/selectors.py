"""Which events some endpoint wants, answered from the cache: no query in the common case.

Every order, return, stock and wallet change asks "does any endpoint want event X of store S?"
before it writes a delivery. Most shops have no endpoint for most events, so the answer is kept
in the configured cache as one entry: the events wanted, each with the stores whose endpoints
want it (None: a head-office endpoint, every store). The entry is tagged with a version token
that `webhook_subscriptions_changed()` replaces whenever an endpoint is saved, deleted or
resumed (at once and again after commit), so a reader never trusts an entry built before the
change. On a shared cache (Redis) every process sees the new token at once. On a local-memory
cache the token lives per process: another process notices the change when its entry expires,
so the entry lives at most `WEBHOOKS_SUBSCRIPTIONS_CACHE_SECONDS` (60 s).

The check only ever skips work: when it says "wanted", the endpoints are read from the database
as before.
"""

import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache

from .models import EndpointStatus, WebhookEndpoint

VERSION_KEY = "webhooks:subscriptions:version"
ENTRY_KEY = "webhooks:subscriptions"

Subscriptions = dict[str, frozenset[int | None]]


def _subscriptions_load() -> Subscriptions:
    wanted: dict[str, set[int | None]] = {}
    for store_id, events in WebhookEndpoint.objects.exclude(
        status=EndpointStatus.DISABLED
    ).values_list("store_id", "events"):
        for event in events or []:
            wanted.setdefault(str(event), set()).add(store_id)
    return {event: frozenset(stores) for event, stores in wanted.items()}


def webhook_subscriptions() -> Subscriptions:
    """Event → the stores whose endpoints want it (None: every store). One cache round trip
    when the entry is current; otherwise one query, and the entry is written again."""
    got: dict[str, Any] = cache.get_many([VERSION_KEY, ENTRY_KEY])
    version = got.get(VERSION_KEY)
    entry = got.get(ENTRY_KEY)
    if version is not None and isinstance(entry, dict) and entry.get("version") == version:
        subscriptions: Subscriptions = entry["subscriptions"]
        return subscriptions
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    subscriptions = _subscriptions_load()
    cache.set(
        ENTRY_KEY,
        {"version": version, "subscriptions": subscriptions},
        timeout=settings.WEBHOOKS_SUBSCRIPTIONS_CACHE_SECONDS,
    )
    return subscriptions


def webhook_event_wanted(*, event: str, store_id: int | None = None) -> bool:
    """True when an endpoint that is not switched off wants `event` of this store (or every
    store's). No query while the cached entry is current."""
    stores = webhook_subscriptions().get(event)
    if not stores:
        return False
    return None in stores or (store_id is not None and store_id in stores)
