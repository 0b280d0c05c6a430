"""Handing over rows the caller already holds as if they had been prefetched."""

from collections.abc import Iterable

from django.db.models import Model


def prefetched(instance: Model, **related: Iterable[Model]) -> None:
    """Let `instance.<name>.all()` answer with the given rows without a query, as after
    `prefetch_related(<name>)`: for rows a service has just written and holds, so that showing
    them does not read them back. `refresh_from_db()` forgets them again."""
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, rows in related.items():
        queryset = getattr(instance, name).all()
        queryset._result_cache = list(rows)
        queryset._prefetch_done = True
        cache[name] = queryset
