"""Counting the "not available at my store" badges shoppers were shown (the storefront's
`stockouts_shown` hook): one upserted counter row per day, store and product, in one statement
per page. Rows are locked in product order, so two pages never wait on each other in a circle."""

import logging

from django.db import DatabaseError, connection
from django.utils import timezone

logger = logging.getLogger(__name__)

_UPSERT = (
    "INSERT INTO insight_stockoutshown (day, store_id, product_id, shown) VALUES {values} "
    "ON CONFLICT (day, store_id, product_id) DO UPDATE "
    "SET shown = insight_stockoutshown.shown + 1"
)


def stockouts_record(store_id: int, product_ids: list[int]) -> None:
    """Add one showing to today's counter of each product at the store."""
    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return
    values = ", ".join(["(%s, %s, %s, 1)"] * len(ids))  # placeholders only
    params: list[object] = []
    today = timezone.localdate()
    for pk in ids:
        params += [today, int(store_id), pk]
    sql = _UPSERT.format(values=values)
    try:
        # One statement, no savepoint around it: the pages that call this read only and run in
        # autocommit, where the statement is its own transaction.
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError:  # a product deleted meanwhile, a locked table: the page goes on
        logger.exception("Stock-out badges at store %s not counted", store_id)
