"""Reference data that checkout reads on every order (a store's calendar, the legal texts in
force), kept in the cache under a version that moves when the data is written.

The version moves at the write and again on commit: a reader between the write and the commit
may cache the old data under the first new version, which the second one makes stale. An entry carries the version it
was built under and is used only while that is still the version; entries also expire, so a
write that sends no signal (a bulk update) is seen after `ENTRY_SECONDS` at the latest.
"""

import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

ENTRY_SECONDS = 600
VERSION_SECONDS = 7 * 24 * 3600


def version_move(version_key: str) -> None:
    """The data under `version_key` was written in the current transaction: every entry built
    before is stale, now (for this transaction's own reads) and once it commits."""

    def move() -> None:
        cache.set(version_key, uuid.uuid4().hex, VERSION_SECONDS)

    move()
    transaction.on_commit(move)


def cached_under_version(*, version_key: str, key: str, build: Callable[[], Any]) -> Any:
    """The entry `key` built by `build()` while `version_key` stays as it is: one cache round
    trip when it is there, `build()` and a write when not."""
    found = cache.get_many([version_key, key])
    version, entry = found.get(version_key), found.get(key)
    if version is not None and entry is not None and entry[0] == version:
        return entry[1]
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(version_key, version, VERSION_SECONDS):
            version = cache.get(version_key, version)
    value = build()
    cache.set(key, (version, value), ENTRY_SECONDS)
    return value
