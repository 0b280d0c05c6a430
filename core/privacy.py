"""Helpers for erasing a person from free texts (DSGVO Art. 17); each app applies them to its own
rows in its `privacy` module, the customers app calls those modules in one transaction."""

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Model, Q

REDACTED = "[…]"


def identifiers(*values: str) -> list[str]:
    """The strings that identify a person in a text: the non-empty values (at least 3 characters,
    so an initial does not blank every "a"), longest first."""
    found = {v.strip() for v in values if v and len(v.strip()) >= 3}
    return sorted(found, key=len, reverse=True)


def redact(text: str, needles: Sequence[str]) -> str:
    """`text` with every needle (case-insensitive) replaced by REDACTED."""
    if not text or not needles:
        return text
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
    return pattern.sub(REDACTED, text)


def redact_value(value: Any, needles: Sequence[str]) -> Any:
    """`redact` for a text or for the strings inside JSON (a stored text's parameters)."""
    if isinstance(value, str):
        return redact(value, needles)
    if isinstance(value, dict):
        return {key: redact_value(item, needles) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_value(item, needles) for item in value]
    return value


def redact_rows(rows: Iterable[Model], fields: Sequence[str], needles: Sequence[str]) -> int:
    """Redact `fields` (texts or JSON) of `rows` in place and save the rows that changed; returns
    how many."""
    changed = 0
    for row in rows:
        dirty = []
        for field in fields:
            before = getattr(row, field)
            after = redact_value(before, needles)
            if after != before:
                setattr(row, field, after)
                dirty.append(field)
        if dirty:
            row.save(update_fields=dirty)
            changed += 1
    return changed


def any_contains(field: str, needles: Sequence[str]) -> Q:
    """A filter for rows whose `field` contains any of the needles (none: matches nothing)."""
    q = Q(pk__in=[])
    for needle in needles:
        q |= Q(**{f"{field}__icontains": needle})
    return q
