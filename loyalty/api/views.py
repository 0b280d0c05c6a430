"""Loyalty API: the shopper's card and history, and in-store purchases booked by a till."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer
from stores.api.permissions import HasStoreToken
from stores.tokens import StoreTokenAuthentication

from .. import wallet
from ..errors import CardNumberError, UnknownCard, WrongStore
from ..selectors import (
    account_balance,
    entries_for_account,
    tier_progress,
)
from ..services import (
    loyalty_account_open,
    points_value,
    store_purchase_record,
    till_card_lookup,
)
from .serializers import (
    CardSerializer,
    EntrySerializer,
    TillTransactionInSerializer,
    TillTransactionOutSerializer,
)


class CardView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="My loyalty card",
        description="Card number, tier, points balance and its value in €, progress to the next tier.",
        responses={200: CardSerializer},
        tags=["loyalty"],
    )
    def get(self, request):
        account = loyalty_account_open(user=request.user)
        balance = account_balance(account)
        progress = tier_progress(account)
        account.points_balance = balance
        account.points_value = points_value(balance)
        account.spend_12m = progress.spend_12m
        account.next_tier = progress.next_tier
        account.wallet_pass_url = (
            request.build_absolute_uri(reverse("loyalty:wallet_pass"))
            if wallet.wallet_enabled()
            else None
        )
        return Response(CardSerializer(account).data)


class EntryPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


@extend_schema(
    summary="My points history",
    description="Every ledger entry of the shopper's card (all channels), newest first.",
    tags=["loyalty"],
)
class EntryListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = EntrySerializer
    pagination_class = EntryPagination

    def get_queryset(self):
        return entries_for_account(loyalty_account_open(user=self.request.user))


class TillTransactionView(APIView):
    """Points for an in-store purchase, booked by a till with its store's API token."""

    authentication_classes = [StoreTokenAuthentication]
    permission_classes = [HasStoreToken]

    @extend_schema(
        summary="Book an in-store purchase on a loyalty card",
        description=(
            "Idempotent by receipt number: the same receipt with the same amount returns the "
            "first booking (200); with another amount it is refused (409). The store is always "
            "the token's store."
        ),
        request=TillTransactionInSerializer,
        responses={
            201: TillTransactionOutSerializer,
            200: OpenApiResponse(TillTransactionOutSerializer, "Receipt booked before; unchanged."),
            400: OpenApiResponse(description="Invalid input (card number, amount, receipt)."),
            403: OpenApiResponse(ErrorSerializer, "The body names another store than the token's."),
            404: OpenApiResponse(ErrorSerializer, "No loyalty card has this number."),
            429: OpenApiResponse(
                ErrorSerializer,
                "The token sent too many card numbers that match no card; wait and retry.",
            ),
            409: OpenApiResponse(ErrorSerializer, "Receipt booked before with another amount."),
        },
        tags=["loyalty"],
    )
    def post(self, request):
        serializer = TillTransactionInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        store = request.auth.store
        if data.get("store") and data["store"] != store.code:
            raise WrongStore(_("This token books for store %(code)s only.") % {"code": store.code})
        occurred_at = data.get("occurred_at")
        if occurred_at and occurred_at > timezone.now() + dt.timedelta(minutes=5):
            return Response(
                {"occurred_at": [_("The purchase cannot be in the future.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            account = till_card_lookup(token=request.auth, card_number=data["card_number"])
        except UnknownCard:
            raise  # 404, like any domain error (429 once the token found too many unknown cards)
        except CardNumberError as error:  # a field of the body, answered like its validation
            raise ValidationError({"card_number": [str(error)]}) from None
        entry, created = store_purchase_record(
            account=account,
            store=store,
            amount=data["amount"],
            receipt_number=data["receipt_number"],
            occurred_at=occurred_at,
        )
        account.refresh_from_db(fields=["tier"])
        body = TillTransactionOutSerializer(
            {
                "entry": entry,
                "receipt_number": data["receipt_number"].strip(),
                "points_balance": account_balance(account),
                "tier": account.tier.name if account.tier else None,
                "created": created,
            }
        ).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
