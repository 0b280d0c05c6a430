"""The product list's answers (`GET /api/v1/products/`, also with `?q=`), kept in the cache.

Serialising a page of products costs tens of milliseconds; a kept page is one cache read of its
rendered body. A page is kept per parameters (in any order; its links repeat them), language,
host (its links are absolute) and media type, under the catalogue's version
(`shop.catalogue.versions`), so a product, variant, category or price write shows in the next
answer. Its prices change by the clock too: a page is kept no longer than until the next start
or end of a sale of one of its variants.
"""

import datetime as dt
import hashlib
import math
from collections.abc import Sequence

from django.utils import timezone, translation
from rest_framework.request import Request

from shop.catalogue.models import Product
from shop.catalogue.selectors import next_price_change
from shop.catalogue.versions import catalogue_version

# At most this long: writes that bypass the services (QuerySet.update, a picture replaced)
# move no version.
ANSWER_SECONDS = 600


def answer_key(request: Request) -> str | None:
    """The cache key of the answer to this request; None for an answer that is not kept."""
    params = request.query_params
    if params.get("in_stock_at"):
        # Stock moves no catalogue version: these answers are kept once a stock version per
        # store (inventory.stock_versions) can be part of the key.
        return None
    parts = (
        catalogue_version(),
        translation.get_language(),
        request.build_absolute_uri("/"),
        request.accepted_media_type,
        sorted(params.lists()),
    )
    return "storefront:api:products:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def answer_seconds(products: Sequence[Product], *, priced_at: dt.datetime) -> int:
    """How long the answer showing `products` (their variants priced at `priced_at`) may be
    kept: until the first price change by the clock, at most ANSWER_SECONDS; 0: not at all."""
    change = next_price_change(
        variants=(variant for product in products for variant in product.variants.all()),
        after=priced_at,
    )
    if change is None:
        return ANSWER_SECONDS
    return min(ANSWER_SECONDS, max(0, math.floor((change - timezone.now()).total_seconds())))
