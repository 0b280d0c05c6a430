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
from ..models import OfferChannel, PromotionRedemption
from ..offers.selectors import offers_for_account
from ..offers.services import offer_quote
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
from ..till.services import ReceiptLineIn, till_receipt_book
from .serializers import (
    CardSerializer,
    EntrySerializer,
    ReceiptRefusedSerializer,
    TillOffersInSerializer,
    TillOffersOutSerializer,
    TillReceiptInSerializer,
    TillReceiptOutSerializer,
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


class TillReceiptView(APIView):
    """A till receipt with its lines: stock at the token's store, points on an optional card, and
    the purchase in the customer's history, in one call."""

    authentication_classes = [StoreTokenAuthentication]
    permission_classes = [HasStoreToken]

    @extend_schema(
        summary="Book a till receipt with its lines",
        description=(
            "Each line names the article by SKU or EAN with quantity, unit price and discount; "
            "a returned item is a line with a negative quantity and `returned: true` and goes "
            "back on the shelf. The lines become stock movements at the token's store, a scanned "
            "card earns points on the total (a refund takes them back), and the receipt with its "
            "lines shows in the customer's history. A receipt with an unknown article, a negative "
            "quantity on a sale line or lines that do not add up to `total` is refused whole "
            "(400, every problem listed under `errors`) and nothing is booked. Idempotent by "
            "receipt number: the same receipt again answers 200 with the first booking; another "
            "receipt under the same number is refused (409)."
        ),
        request=TillReceiptInSerializer,
        responses={
            201: TillReceiptOutSerializer,
            200: OpenApiResponse(TillReceiptOutSerializer, "Receipt booked before; unchanged."),
            400: OpenApiResponse(
                ReceiptRefusedSerializer,
                "The receipt was refused (unknown SKU or EAN, negative quantity on a sale line, "
                "lines that do not add up to the total, a coupon without a card); nothing "
                "booked. Also a coupon that is unknown, expired or not valid here "
                "(`coupon_unknown`, `coupon_expired`, `coupon_not_applicable`).",
            ),
            403: OpenApiResponse(ErrorSerializer, "The body names another store than the token's."),
            404: OpenApiResponse(ErrorSerializer, "No loyalty card has this number."),
            409: OpenApiResponse(
                ErrorSerializer,
                "Another receipt was booked under this number before, or the coupon is used up "
                "(`coupon_used_up`).",
            ),
            429: OpenApiResponse(
                ErrorSerializer,
                "The token sent too many card numbers that match no card, or too many wrong "
                "coupon codes; wait and retry.",
            ),
        },
        tags=["loyalty"],
    )
    def post(self, request):
        serializer = TillReceiptInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        store = request.auth.store
        if data.get("store") and data["store"] != store.code:
            raise WrongStore(_("This token books for store %(code)s only.") % {"code": store.code})
        account = None
        if (data.get("card_number") or "").strip():
            try:
                account = till_card_lookup(token=request.auth, card_number=data["card_number"])
            except UnknownCard:
                raise  # 404 (429 once the token found too many unknown cards)
            except CardNumberError as error:
                raise ValidationError({"card_number": [str(error)]}) from None
        receipt, created = till_receipt_book(
            store=store,
            number=data["receipt_number"],
            total=data["total"],
            lines=[
                ReceiptLineIn(
                    sku=line.get("sku", ""),
                    ean=line.get("ean", ""),
                    quantity=line["quantity"],
                    unit_price=line["unit_price"],
                    discount=line["discount"],
                    returned=line["returned"],
                )
                for line in data["lines"]
            ],
            account=account,
            occurred_at=data.get("occurred_at"),
            coupon=data.get("coupon", ""),
            limiter=f"token:{request.auth.pk}",
        )
        entry = receipt.points_entry
        redemption = PromotionRedemption.objects.filter(receipt=receipt).select_related("promotion")
        body = TillReceiptOutSerializer(
            {
                "receipt": receipt,
                "store": store.code,
                "lines": receipt.lines.select_related("variant__product").order_by("position"),
                "card_number": receipt.account.card_number if receipt.account else None,
                "offer": next((r.promotion.name for r in redemption), None),
                "points": entry.points if entry else 0,
                "points_balance": account_balance(receipt.account) if receipt.account else None,
                "created": created,
            }
        ).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class TillOffersView(APIView):
    """The current offers of a card at the token's store, for the till before the sale."""

    authentication_classes = [StoreTokenAuthentication]
    permission_classes = [HasStoreToken]

    @extend_schema(
        summary="A card's current offers at the till",
        description=(
            "The coupons and automatic tier offers the card's customer may use at the till of "
            "the token's store now (docs/offers.md). With `amount` (the sale's lines so far) the "
            "answer also says the automatic offer the receipt gets without a coupon, so the "
            "till can show the total the receipts endpoint expects. The card lookup is logged "
            "and rate-limited like every till card lookup."
        ),
        request=TillOffersInSerializer,
        responses={
            200: TillOffersOutSerializer,
            400: OpenApiResponse(description="Invalid input (card number, amount)."),
            404: OpenApiResponse(ErrorSerializer, "No loyalty card has this number."),
            429: OpenApiResponse(
                ErrorSerializer,
                "The token sent too many card numbers that match no card; wait and retry.",
            ),
        },
        tags=["loyalty"],
    )
    def post(self, request):
        serializer = TillOffersInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        store = request.auth.store
        try:
            account = till_card_lookup(token=request.auth, card_number=data["card_number"])
        except UnknownCard:
            raise
        except CardNumberError as error:
            raise ValidationError({"card_number": [str(error)]}) from None
        automatic = None
        if data.get("amount") is not None:
            quote = offer_quote(
                code="",
                customer=account.user,
                store=store,
                channel=OfferChannel.TILL,
                basis=data["amount"],
                limiter=f"token:{request.auth.pk}",
            )
            if quote is not None:
                automatic = {"name": quote.name, "discount": quote.discount}
        body = TillOffersOutSerializer(
            {
                "card_number": account.card_number,
                "tier": account.tier.name if account.tier else None,
                "offers": offers_for_account(
                    account=account, channel=OfferChannel.TILL, store_id=store.pk
                ),
                "automatic": automatic,
            }
        ).data
        return Response(body)
