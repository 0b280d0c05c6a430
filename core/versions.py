"""Version keys in the cache: a key holds a random value that moves when what it stands for
changes. A cached entry records the versions it was built under and is used only while they
still hold (see `shop.storefront.cached_results`).

Moved on commit, never before: a reader between an in-transaction move and the commit would
build its entry from the old rows under the new version and keep serving it.
"""

import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

# A version outlives every entry built under it (those live minutes), so an entry never sees
# its version vanish and come back as the same value.
VERSION_SECONDS = 7 * 24 * 3600


def versions_read(keys: Iterable[str], *, foreign: Iterable[str] = ()) -> dict[str, str]:
    """The current value of each version key, in one round trip (more only for keys the cache
    does not hold: they get a fresh value, added only if still absent so that a move made
    meanwhile is never overwritten). `foreign` keys are read too but belong to code that
    gives an absent key its own meaning: they read as "" when absent."""
    foreign = list(dict.fromkeys(foreign))
    keys = [key for key in dict.fromkeys(keys) if key not in foreign]
    found: dict[str, str] = cache.get_many(keys + foreign)
    for key in foreign:
        found.setdefault(key, "")
    for key in keys:
        if key not in found:
            cache.add(key, uuid.uuid4().hex, VERSION_SECONDS)
            found[key] = cache.get(key) or ""
    return found


def versions_set(keys: Iterable[str]) -> None:
    """Move the versions now, in one round trip (for a caller that is already after commit)."""
    keys = list(dict.fromkeys(keys))
    if keys:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, VERSION_SECONDS)


def versions_move(keys: Iterable[str]) -> None:
    """Move the versions once the current transaction commits (at once outside one)."""
    keys = list(keys)
    # robust: a failed move must not turn a committed write into an error (the entries' TTL
    # bounds what it leaves stale)
    transaction.on_commit(lambda: versions_set(keys), robust=True)
