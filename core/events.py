"""One writer for timeline rows ("who moved it from which status to which, and why").

Orders (OrderEvent) and returns (ReturnEvent) keep their own tables and models; both rows have
`actor`, `from_status` (blank for the first step), `to_status` and a `note` clipped to its
column, plus the foreign key(s) of what moved, given as keywords.
"""

from typing import TypeVar

from django.db import models

Event = TypeVar("Event", bound=models.Model)


def status_event_record(
    model: type[Event],
    *,
    actor,
    to_status: str,
    from_status: str = "",
    note: str = "",
    **subject,
) -> Event:
    """Write one timeline row of `model`, e.g. `status_event_record(OrderEvent, order=order, …)`."""
    max_length = model._meta.get_field("note").max_length
    return model._default_manager.create(
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        note=(note or "")[:max_length],
        **subject,
    )
