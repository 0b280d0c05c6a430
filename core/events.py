"""One writer for timeline rows ("who moved it from which status to which, and why").

Orders (OrderEvent) and returns (ReturnEvent) keep their own tables and models; both rows have
`actor`, `from_status` (blank for the first step), `to_status` and a note, plus the foreign
key(s) of what moved, given as keywords. The note is either a `core.texts.StoredText` (stored as
`note_code` + `note_params`, rendered in the reader's language) or a literal somebody typed
(stored in `note`, clipped to its column).
"""

from typing import TypeVar

from django.db import models

from core.texts import StoredText, text_fields

Event = TypeVar("Event", bound=models.Model)


def status_event_record(
    model: type[Event],
    *,
    actor,
    to_status: str,
    from_status: str = "",
    note: str | StoredText = "",
    **subject,
) -> Event:
    """Write one timeline row of `model`, e.g. `status_event_record(OrderEvent, order=order, …)`."""
    return model._default_manager.create(
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        **text_fields(model, note),
        **subject,
    )
