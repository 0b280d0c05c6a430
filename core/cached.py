"""Reference data that checkout reads on every order (a store's calendar, the legal texts in
force, the automatic offers), kept in the cache under a version key (`core.versions`) that
moves when the data is written.

The version moves at the write and again on commit: the first move makes the writing
transaction's own reads see the change; a reader between the write and the commit may cache the
old data under that first new version, which the second move makes stale. An entry carries the
version it was built under and is used only while that is still the version; entries also
expire, so a write that sends no signal (a bulk update) is seen after `ENTRY_SECONDS` at the
latest.
"""

from collections.abc import Callable
from typing import Any

from django.core.cache import cache

from .versions import versions_move, versions_read, versions_set

ENTRY_SECONDS = 600


def version_move(version_key: str) -> None:
    """The data under `version_key` was written in the current transaction: every entry built
    before is stale, now and once it commits."""
    versions_set([version_key])
    versions_move([version_key])


def cached_under_version(*, version_key: str, key: str, build: Callable[[], Any]) -> Any:
    """The entry `key` built by `build()` while `version_key` stays as it is: one cache round
    trip when it is there, `build()` and a write when not."""
    found = cache.get_many([version_key, key])
    version, entry = found.get(version_key), found.get(key)
    if version is not None and entry is not None and entry[0] == version:
        return entry[1]
    if version is None:
        version = versions_read([version_key])[version_key]
    value = build()
    cache.set(key, (version, value), ENTRY_SECONDS)
    return value
