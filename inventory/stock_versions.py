"""Stock versions: what the storefront's caches key their entries on so that they never show
stale stock.

Every service that changes what is available (on_hand, reserved or the safety buffer of a stock
row) calls `stock_changed` with the store and the variants. That moves two kinds of version in
the cache: the store's (the list page shows "my store"'s units of every card) and each product's
(the availability answer and the "available at …" hint show a product's units at every store).

Design:
- The versions move **on commit** (`transaction.on_commit`, one `set_many` round trip), not
  inside the transaction: a reader between an in-transaction move and the commit would read
  the old stock, store it under the new version and keep serving it. Moved after the commit, a
  reader either sees the old version (its entry is replaced at the next read) or the new rows.
- Not a database row: a version row per store would make every checkout of the store wait on
  one hot row lock and add a statement to checkout. A lost move (the process dies between the
  commit and the cache write, the cache is flushed) is bounded by the entries' own short TTL.
- Readers fetch every version they need in one `get_many` (`core.versions.versions_read`).
"""

from collections.abc import Iterable

from django.db import transaction

from core.versions import versions_set
from shop.catalogue.models import Variant

STORE_KEY = "stock:version:store:{}"
PRODUCT_KEY = "stock:version:product:{}"

# A variant never moves to another product, so each process remembers whose it is: moving
# the versions costs a statement only for variants it has not met yet, after the commit.
_product_of: dict[int, int] = {}


def store_version_key(store_id: int) -> str:
    return STORE_KEY.format(store_id)


def product_version_key(product_id: int) -> str:
    return PRODUCT_KEY.format(product_id)


def stock_changed(*, store_id: int, variant_ids: Iterable[int]) -> None:
    """Stock of these variants at the store changes in the current transaction: move the
    store's version and their products' versions when it commits."""
    stocks_changed(store_ids=[store_id], variant_ids=variant_ids)


def stocks_changed(*, store_ids: Iterable[int], variant_ids: Iterable[int]) -> None:
    """`stock_changed` for writes that span stores (a snapshot import, a reconciliation)."""
    store_ids, variant_ids = set(store_ids), set(variant_ids)
    if store_ids:
        # robust: a failed move must not turn a committed write into an error (the entries'
        # TTL bounds what it leaves stale)
        transaction.on_commit(lambda: _move(store_ids, variant_ids), robust=True)


def _move(store_ids: set[int], variant_ids: set[int]) -> None:
    unknown = variant_ids - _product_of.keys()
    if unknown:
        _product_of.update(Variant.objects.filter(pk__in=unknown).values_list("pk", "product_id"))
    products = {_product_of[v] for v in variant_ids if v in _product_of}
    versions_set(
        [store_version_key(s) for s in sorted(store_ids)]
        + [product_version_key(p) for p in sorted(products)]
    )
