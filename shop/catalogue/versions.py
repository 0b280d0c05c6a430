"""The catalogue's version as the storefront's caches see it: it moves when a search document
is written (the search vocabulary's version) and when prices change (a price write touches no
search document, yet the price facet counts depend on it). Caches of counts and of the facet
summary include it in their key."""

import uuid

from django.core.cache import cache
from django.db import transaction

from .search_vocabulary import CACHE_SECONDS, VERSION_KEY

PRICES_KEY = "catalogue:prices:version"


def catalogue_version() -> str:
    """Both versions in one cache round trip (it is read on every list page)."""
    found = cache.get_many([VERSION_KEY, PRICES_KEY])
    return f"{found.get(VERSION_KEY) or ''}:{found.get(PRICES_KEY) or ''}"


def prices_changed() -> None:
    """Prices were written in the current transaction: move the version once it commits (a
    reader between the write and the commit would otherwise cache the old prices anew)."""
    transaction.on_commit(lambda: cache.set(PRICES_KEY, uuid.uuid4().hex, CACHE_SECONDS))
