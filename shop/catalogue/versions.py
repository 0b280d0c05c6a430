"""The catalogue's version as the storefront's caches see it: it moves when a search document
is written (the search vocabulary's version, at once) and when a transaction that wrote products
or prices commits (a price write touches no search document, yet the price facet counts and
every price shown depend on it). Caches of counts, of the facet summary and of the product API's
answers include it in their key."""

from django.core.cache import cache

from core.versions import versions_move

from .search_vocabulary import VERSION_KEY

CHANGES_KEY = "catalogue:changes:version"


def catalogue_version() -> str:
    """Both versions in one cache round trip (it is read on every list page)."""
    found = cache.get_many([VERSION_KEY, CHANGES_KEY])
    return f"{found.get(VERSION_KEY) or ''}:{found.get(CHANGES_KEY) or ''}"


def catalogue_changed() -> None:
    """Products or prices were written in the current transaction: move the version once it
    commits (a reader between the write and the commit would otherwise cache what it read
    before the write under the version after it)."""
    versions_move([CHANGES_KEY])
