"""Batches of till sales, receipts and write-offs sent by a store's till or the ERP.

A batch is checked as a whole first; one bad item rejects it and nothing is booked. An item whose
external id the store already booked is reported as a duplicate and changes nothing, so a till
may resend a batch after a timeout.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.catalogue.models import Variant
from stores.models import Store

from .errors import FeedRejected
from .models import MovementKind, StockMovement, StockShortfall
from .services import Delta, stock_deltas_apply

# What a till or the ERP may book, and the sign each kind gives to the (positive) quantity.
FEED_KINDS = {
    MovementKind.SALE: -1,
    MovementKind.RECEIPT: 1,
    MovementKind.WRITE_OFF: -1,
    MovementKind.RETURN_RESTOCK: 1,
}
MAX_BATCH = 1000
MAX_QUANTITY = 100_000
# How far from now an item's `occurred_at` may lie: a till's clock or a late ERP export, not a
# typo's year 1 or 2100 (which would sort the movement into the wrong place of the ledger).
MAX_CLOCK_DISTANCE = timedelta(days=365)


@dataclass(frozen=True)
class FeedItem:
    index: int  # position in the batch as sent, for error reports
    external_id: str
    sku: str
    kind: str
    quantity: int
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class FeedProblem:
    index: int
    field: str
    reason: str

    def as_dict(self) -> dict:
        return {"index": self.index, "field": self.field, "reason": self.reason}


@dataclass
class FeedResult:
    statuses: list[str]  # per item: "applied" or "duplicate"
    skus: dict[int, str]  # variant id -> SKU of the batch's variants
    shortfalls: list[StockShortfall] = field(default_factory=list)

    @property
    def applied(self) -> int:
        return self.statuses.count("applied")

    @property
    def duplicates(self) -> int:
        return self.statuses.count("duplicate")


def feed_problems(items: Sequence[FeedItem]) -> list[FeedProblem]:
    """Every problem of a batch, item by item (one query for the SKUs)."""
    return _checked(items)[0]


def _checked(items: Sequence[FeedItem]) -> tuple[list[FeedProblem], dict[str, int]]:
    """The batch's problems and its SKUs' variant ids."""
    problems = []
    if len(items) > MAX_BATCH:
        problems.append(
            FeedProblem(-1, "movements", _("At most %(max)d items per batch.") % {"max": MAX_BATCH})
        )
    known = _variant_ids_by_sku({item.sku for item in items})
    seen = Counter(item.external_id for item in items)
    now = timezone.now()
    for item in items:
        index = item.index
        if item.occurred_at is not None and abs(item.occurred_at - now) > MAX_CLOCK_DISTANCE:
            problems.append(
                FeedProblem(
                    index,
                    "occurred_at",
                    _("The time must lie within a year of now (before or after)."),
                )
            )
        if item.sku not in known:
            problems.append(
                FeedProblem(index, "sku", _("Unknown SKU “%(sku)s”.") % {"sku": item.sku})
            )
        if item.kind not in FEED_KINDS:
            problems.append(
                FeedProblem(index, "kind", _("Unknown kind “%(kind)s”.") % {"kind": item.kind})
            )
        if not 0 < item.quantity <= MAX_QUANTITY:
            problems.append(
                FeedProblem(
                    index,
                    "quantity",
                    _("The quantity must be a whole number from 1 to %(max)d.")
                    % {"max": MAX_QUANTITY},
                )
            )
        if not item.external_id:
            problems.append(FeedProblem(index, "external_id", _("An external id is required.")))
        elif seen[item.external_id] > 1:
            problems.append(
                FeedProblem(
                    index, "external_id", _("This external id occurs more than once in the batch.")
                )
            )
    return problems, known


def _variant_ids_by_sku(skus) -> dict[str, int]:
    return dict(Variant.objects.filter(sku__in=list(skus)).values_list("sku", "pk"))


def stock_feed_book(*, store: Store, items: Sequence[FeedItem]) -> FeedResult:
    """Book a batch for one store: all valid items, each external id at most once per store.

    Raises FeedRejected listing every bad item; then nothing is booked. Batches of one store are
    serialised by a lock on the store row, so a batch resent while the first is still running
    sees the first one's movements and reports them as duplicates.
    """
    if not items:
        raise FeedRejected([FeedProblem(-1, "movements", _("The batch is empty."))])
    problems, variant_ids = _checked(items)
    if problems:
        raise FeedRejected(problems)
    with transaction.atomic():
        Store.objects.select_for_update().filter(pk=store.pk).values_list("pk").get()
        booked = set(
            StockMovement.objects.filter(
                store=store, external_id__in=[item.external_id for item in items]
            ).values_list("external_id", flat=True)
        )
        statuses = ["duplicate" if item.external_id in booked else "applied" for item in items]
        deltas = [
            Delta(
                variant_id=variant_ids[item.sku],
                quantity=FEED_KINDS[item.kind] * item.quantity,
                kind=item.kind,
                external_id=item.external_id,
                occurred_at=item.occurred_at,
            )
            for item in items
            if item.external_id not in booked
        ]
        shortfalls = (
            stock_deltas_apply(store_id=store.pk, deltas=deltas).shortfalls if deltas else []
        )
    skus = {pk: sku for sku, pk in variant_ids.items()}
    return FeedResult(statuses=statuses, skus=skus, shortfalls=shortfalls)
