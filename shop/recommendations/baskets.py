"""Where purchases come from: a hook the selling apps fill (orders online, loyalty at the till).

This app sits below the apps that sell, so it never reads their tables itself. Each selling app
registers, in its `AppConfig.ready()`, a function returning its purchases as rows
`(customer id or None, basket key, product id)`: the basket key names one purchase (an order,
a receipt) and must be unique across sources ("order:12", "till:34").
"""

from collections.abc import Callable, Iterable

PurchaseRow = tuple[int | None, str, int]
PurchaseSource = Callable[[], Iterable[PurchaseRow]]

_sources: list[PurchaseSource] = []


def purchase_source_register(source: PurchaseSource) -> None:
    """Add a source of purchases (registering the same function twice adds it once)."""
    if source not in _sources:
        _sources.append(source)


def purchase_sources() -> list[PurchaseSource]:
    return list(_sources)
