from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from stores.api.permissions import HasStoreToken
from stores.tokens import StoreTokenAuthentication

from ..errors import FeedRejected, WrongStore
from ..feeds import FeedItem, FeedProblem, feed_problems, stock_feed_book
from .serializers import FeedBatchSerializer, FeedItemSerializer, FeedResultSerializer


class StockMovementFeedView(APIView):
    """Till sales, receipts, write-offs and returns of the token's store, in batches.

    Each item needs an `external_id` unique within the store: an id booked before is reported as
    `duplicate` and changes nothing. One bad item rejects the whole batch (400, every bad item
    listed by index) and nothing is booked. A sale is booked even when it takes the shelf below
    the units reserved for pickup orders; the orders that lost units are listed in `shortfalls`.
    """

    authentication_classes = [StoreTokenAuthentication]
    permission_classes = [HasStoreToken]

    @extend_schema(
        request=FeedBatchSerializer,
        responses={
            200: FeedResultSerializer,
            400: OpenApiResponse(description="Invalid batch; nothing booked."),
            403: OpenApiResponse(description="The body names another store than the token's."),
        },
    )
    def post(self, request):
        store = request.auth.store
        batch = FeedBatchSerializer(data=request.data)
        if not batch.is_valid():
            return Response(
                {"detail": _("The batch is not valid."), "errors": batch.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        raw_items = batch.validated_data["movements"]
        named = [batch.validated_data.get("store")] + [
            item.get("store") for item in raw_items if isinstance(item, dict)
        ]
        foreign = sorted({str(code) for code in named if code is not None} - {store.code})
        if foreign:
            raise WrongStore(
                _("This token books for store “%(own)s” only, not for “%(other)s”.")
                % {"own": store.code, "other": ", ".join(foreign)}
            )
        items, problems = _parse(raw_items)
        if problems:
            raise FeedRejected(problems + feed_problems(items))
        result = stock_feed_book(store=store, items=items)
        return Response(
            FeedResultSerializer(
                {
                    "store": store.code,
                    "applied": result.applied,
                    "duplicates": result.duplicates,
                    "items": [
                        {"index": item.index, "external_id": item.external_id, "status": state}
                        for item, state in zip(items, result.statuses, strict=True)
                    ],
                    "shortfalls": [
                        {
                            "reference": s.reference,
                            "sku": result.skus[s.variant_id],
                            "units_missing": s.units_missing,
                        }
                        for s in result.shortfalls
                    ],
                }
            ).data
        )


def _parse(raw_items) -> tuple[list[FeedItem], list[FeedProblem]]:
    """Each item's shape, checked without a query; returns the parsed items and the problems."""
    items, problems = [], []
    for index, raw in enumerate(raw_items):
        serializer = FeedItemSerializer(data=raw if isinstance(raw, dict) else {})
        if not serializer.is_valid():
            problems.extend(
                FeedProblem(index, name, " ".join(str(m) for m in messages))
                for name, messages in serializer.errors.items()
            )
            continue
        data = serializer.validated_data
        items.append(
            FeedItem(
                index=index,
                external_id=data["external_id"],
                sku=data["sku"],
                kind=data["kind"],
                quantity=data["quantity"],
                occurred_at=data.get("occurred_at"),
            )
        )
    return items, problems
