"""The pickup promise: when an order placed now would be ready at a store.

The queue is counted by the orders app, which sits above this one: it registers its counter
with `queue_counter_register` in its `ready()` (without one every queue is empty).

Computed from the moment, the store's calendar (`stores.calendar`), its preparation time
(`Store.pickup_target_minutes`) and its queue: every open order not yet ready at the store adds
QUEUE_MINUTES_PER_ORDER. Work happens only while the store is open, and the promise leaves the
shopper time to come before closing (see `stores.calendar.work_done_by`).
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from django.utils import timezone

from . import calendar
from .display import ready_label
from .models import Store

QUEUE_MINUTES_PER_ORDER = 10

QueueCounter = Callable[[list[int]], dict[int, int]]
_queue_counters: list[QueueCounter] = []


def queue_counter_register(counter: QueueCounter) -> None:
    """Let the app that knows the orders count each store's queue ({store_id: waiting orders})."""
    if counter not in _queue_counters:
        _queue_counters.append(counter)


def store_queues(store_ids: Iterable[int]) -> dict[int, int]:
    """{store_id: orders waiting to be prepared} for the given stores."""
    ids = list(store_ids)
    queues = dict.fromkeys(ids, 0)
    for counter in _queue_counters:
        for store_id, n in counter(ids).items():
            queues[store_id] = queues.get(store_id, 0) + n
    return queues


def preparation_minutes(*, store: Store, queue: int) -> int:
    return store.pickup_target_minutes + queue * QUEUE_MINUTES_PER_ORDER


def ready_by(*, store: Store, at: dt.datetime, queue: int) -> dt.datetime | None:
    """When an order placed at `at` would be ready at `store` (None: the store never opens)."""
    return calendar.work_done_by(
        store=store, at=at, minutes=preparation_minutes(store=store, queue=queue)
    )


def promise_for(*, store: Store, at: dt.datetime | None = None) -> dt.datetime | None:
    """`ready_by` for one store: its calendar from the cache (`calendar.calendar_load`), its
    queue read with one query, or none when the store was read with it (`store.pickup_queue`,
    as the orders app's `stores_with_queue` gives)."""
    at = at or timezone.now()
    calendar.calendar_load(store)
    queue = getattr(store, "pickup_queue", None)
    if queue is None:
        queue = store_queues([store.pk])[store.pk]
    return ready_by(store=store, at=at, queue=queue)


def annotate_promises(stores: Sequence[Store], *, at: dt.datetime | None = None) -> None:
    """Set `ready_by` (a datetime or None) and `ready_text` ("Ready today from 16:00") on each
    store, for the pages. Prefetch the calendars (`stores.calendar.calendar_prefetches`)."""
    at = at or timezone.now()
    queues = store_queues(store.pk for store in stores)
    for store in stores:
        moment = ready_by(store=store, at=at, queue=queues.get(store.pk, 0))
        store.ready_by = moment  # type: ignore[attr-defined]
        store.ready_text = ready_label(moment, at) if moment else ""  # type: ignore[attr-defined]


def earliest_promise(
    stores: Sequence[Store], *, at: dt.datetime | None = None
) -> dt.datetime | None:
    """The soonest moment any of `stores` could have an order placed at `at` ready."""
    at = at or timezone.now()
    annotate_promises(stores, at=at)
    moments = [store.ready_by for store in stores if store.ready_by is not None]  # type: ignore[attr-defined]
    return min(moments) if moments else None
