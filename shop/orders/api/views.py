"""Pickup orders over the API: shoppers place, list, read and cancel their own orders; staff
move the orders of their stores through picking, ready and handover.

Thin views: parse, call one service, and let its error raise: the API's exception handler
(core.api) answers with the status and code each error class carries (shop/orders/errors.py) —
OrderShortage → 409 with the short lines, a reused Idempotency-Key → 409, a refused transition
→ 409, an order the caller may not see → 404, a rate-limited handover → 429 with Retry-After,
anything else the caller got wrong → 400.
"""

from django.db import transaction
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer
from shop.orders.errors import RescueClosed
from shop.orders.models import Order, OrderEvent, OrderLine, OrderStatus, ShortPickRescue
from shop.orders.selectors.orders import orders_for_customer, orders_for_staff
from shop.orders.services import orders as services
from shop.orders.services.checkout import checkout_place_lines
from shop.orders.services.collector import order_collector_set
from shop.orders.services.rescue import order_rescue_choose

from .serializers import (
    CancelSerializer,
    CollectorSerializer,
    CollectSerializer,
    OrderCreateSerializer,
    OrderPlacedSerializer,
    OrderSerializer,
    RescueChooseSerializer,
    ShortageSerializer,
    ShortLineSerializer,
    StaffOrderSerializer,
)

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "Any unique string (up to 100 characters), e.g. a UUID. Retrying the same request "
        "with the same key returns the order placed the first time (200 instead of 201) and "
        "places nothing new; only the request that placed the order answers 201. Concurrent "
        "requests with one key wait for the first: one 201, the others 200 with the same order "
        "(or, if the first placed nothing, the error or order of their own). The same key with "
        "different lines or store is a 409. After a failed or lost answer, retry with the same "
        "key: a request that failed placed nothing."
    ),
)


# The answer to a checkout, built once: its fields are the same for every order, and building
# them took longer than filling them.
_PLACED = OrderPlacedSerializer()


def _with_details(qs: QuerySet[Order]) -> QuerySet[Order]:
    return qs.select_related("store", "terms_version", "privacy_version").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("id")),
        Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "id")),
        Prefetch(
            "rescues",
            queryset=ShortPickRescue.objects.select_related("line", "rescue_order"),
        ),
    )


class OrderListCreateView(generics.ListAPIView):
    """The caller's own pickup orders, newest first; POST places a new one."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = OrderSerializer

    def get_queryset(self):
        return _with_details(orders_for_customer(self.request.user))

    @extend_schema(
        summary="Place a pickup order",
        parameters=[IDEMPOTENCY_HEADER],
        request=OrderCreateSerializer,
        description=(
            'Paid at the counter by default. With `payment_method: "stripe"` and the '
            "`payment_method_id` the app created with Stripe's SDK, the stock is reserved and "
            "the PaymentIntent (manual capture) is created and confirmed in one step, as on the "
            "web checkout: authorised at once → the order is `placed`; 3-D Secure or a "
            "redirect → the order is `payment_pending` and `payment.requires_action` is true: "
            "finish it with `payment.client_secret` (Stripe SDK `handleNextAction`), the order "
            "is then placed (or released after 15 minutes). A declined card places and "
            "reserves nothing (402)."
        ),
        responses={
            201: OrderPlacedSerializer,
            200: OpenApiResponse(
                OrderPlacedSerializer,
                description="Replay of an Idempotency-Key: the order an earlier or concurrent "
                "request with this key placed (only that request answered 201).",
            ),
            400: OpenApiResponse(
                ErrorSerializer,
                description="Bad input; `payment_details_missing`: 'stripe' without a "
                "payment_method_id",
            ),
            402: OpenApiResponse(
                ErrorSerializer,
                description="`card_declined`: the card was declined; nothing was placed or "
                "reserved. Try another card or pay at the counter.",
            ),
            409: OpenApiResponse(
                ShortageSerializer,
                description="Not enough stock (short_lines), an Idempotency-Key reused "
                "for a different request, a coupon used up (`coupon_used_up`, the error shape), "
                "or `payment_failed`: the payment provider refused (amount too large, "
                "unreachable); nothing was placed",
            ),
            429: OpenApiResponse(
                ErrorSerializer,
                description="`rate_limited`: too many declined cards or wrong coupon codes in a "
                "short time; see Retry-After. Paying at the counter is still possible.",
            ),
        },
    )
    def post(self, request):
        payload = OrderCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        # One transaction around placing and reading back: if anything fails before the answer
        # is ready (a lost database connection, say), the order is rolled back with it instead of
        # being placed behind an error. Only a failure of the COMMIT itself leaves the outcome
        # unknown; a retry with the same Idempotency-Key then answers with the order, if any.
        with transaction.atomic():
            placement = checkout_place_lines(
                customer=request.user,
                store=data["store"],
                lines=data["lines"],
                phone=data.get("phone") or request.user.phone,
                idempotency_key=request.headers.get("Idempotency-Key", ""),
                points_to_redeem=data["points"],
                use_store_credit=data["use_store_credit"],
                payment_method=data["payment_method"],
                payment_details={"payment_method_id": data["payment_method_id"]},
                coupon_code=data["coupon"],
            )
            prefetch_related_objects([placement.order], "lines", "events")
            body = _PLACED.to_representation(placement.order)
        return Response(
            body, status=status.HTTP_201_CREATED if placement.created else status.HTTP_200_OK
        )


class OrderDetailView(generics.RetrieveAPIView):
    """One of the caller's own orders; anyone else's is a 404."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = OrderSerializer
    lookup_field = "number"

    def get_queryset(self):
        return _with_details(orders_for_customer(self.request.user))


class OrderCancelView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Cancel one's own order while it is placed or being picked",
        request=CancelSerializer,
        responses={200: OrderSerializer, 404: ErrorSerializer, 409: ErrorSerializer},
    )
    def post(self, request, number):
        order = get_object_or_404(orders_for_customer(request.user), number=number)
        payload = CancelSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        order = services.order_cancel(
            order=order, actor=request.user, reason=payload.validated_data.get("reason", "")
        )
        return Response(
            OrderSerializer(_with_details(Order.objects.filter(pk=order.pk)).get()).data
        )


class OrderRescueView(APIView):
    """The shopper's answer after a short pick (the same service as the page and e-mail link)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Choose what happens to items missing after picking",
        request=RescueChooseSerializer,
        responses={
            200: OrderSerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def post(self, request, number):
        order = get_object_or_404(orders_for_customer(request.user), number=number)
        payload = RescueChooseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        rescues = ShortPickRescue.objects.filter(order=order).order_by("created_at", "id")
        if "rescue" in data:
            rescue = get_object_or_404(rescues, pk=data["rescue"])
        else:
            rescue = rescues.filter(choice="open").first()
            if rescue is None:
                raise RescueClosed(_("No missing items wait for an answer on this order."))
        order_rescue_choose(
            rescue=rescue, choice=data["choice"], actor=request.user, store=data.get("store")
        )
        return Response(
            OrderSerializer(_with_details(Order.objects.filter(pk=order.pk)).get()).data
        )


class OrderCollectorView(APIView):
    """Name who collects the order (an empty name: only the shopper)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Name someone else to collect",
        request=CollectorSerializer,
        responses={200: OrderSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def post(self, request, number):
        order = get_object_or_404(orders_for_customer(request.user), number=number)
        payload = CollectorSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        order_collector_set(
            order=order,
            actor=request.user,
            name=payload.validated_data["name"],
            email=payload.validated_data.get("email", ""),
        )
        return Response(
            OrderSerializer(_with_details(Order.objects.filter(pk=order.pk)).get()).data
        )


# --- staff ---------------------------------------------------------------------------------------


class IsStaff(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


class StaffOrderListView(generics.ListAPIView):
    """The pickup queue of the caller's stores, oldest first; filter by ?store=<code>&status=."""

    permission_classes = [IsStaff]
    serializer_class = StaffOrderSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("store", OpenApiTypes.STR, description="Store code"),
            OpenApiParameter("status", OpenApiTypes.STR, enum=OrderStatus.values),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        qs = _with_details(orders_for_staff(self.request.user)).order_by("created_at", "id")
        if store := self.request.query_params.get("store"):
            qs = qs.filter(store__code=store)
        if wanted := self.request.query_params.get("status"):
            qs = qs.filter(status=wanted)
        return qs


class StaffOrderDetailView(generics.RetrieveAPIView):
    permission_classes = [IsStaff]
    serializer_class = StaffOrderSerializer
    lookup_field = "number"

    def get_queryset(self):
        return _with_details(orders_for_staff(self.request.user))


class StaffTransitionView(APIView):
    """One step of an order of the caller's stores. Another store's order is a 404."""

    permission_classes = [IsStaff]
    request_serializer = None

    def step(self, order: Order, request, data) -> Order:
        raise NotImplementedError

    def post(self, request, number, **kwargs):
        order = get_object_or_404(orders_for_staff(request.user), number=number)
        data = {}
        if self.request_serializer is not None:
            payload = self.request_serializer(data=request.data)
            payload.is_valid(raise_exception=True)
            data = payload.validated_data
        order = self.step(order, request, data, **kwargs)
        order = _with_details(Order.objects.filter(pk=order.pk)).get()
        return Response(StaffOrderSerializer(order).data)


_STAFF_RESPONSES = {
    200: StaffOrderSerializer,
    400: ErrorSerializer,
    404: ErrorSerializer,
    409: ErrorSerializer,
}


class StaffStartPickingView(StaffTransitionView):
    @extend_schema(summary="Start picking", request=None, responses=_STAFF_RESPONSES)
    def post(self, request, number):
        return super().post(request, number)

    def step(self, order, request, data):
        return services.order_start_picking(order=order, actor=request.user)


class StaffMarkReadyView(StaffTransitionView):
    @extend_schema(summary="Mark ready for pickup", request=None, responses=_STAFF_RESPONSES)
    def post(self, request, number):
        return super().post(request, number)

    def step(self, order, request, data):
        return services.order_mark_ready(order=order, actor=request.user)


class StaffCancelView(StaffTransitionView):
    request_serializer = CancelSerializer

    @extend_schema(summary="Cancel", request=CancelSerializer, responses=_STAFF_RESPONSES)
    def post(self, request, number):
        return super().post(request, number)

    def step(self, order, request, data):
        return services.order_cancel(order=order, actor=request.user, reason=data.get("reason", ""))


class StaffCollectView(StaffTransitionView):
    request_serializer = CollectSerializer

    @extend_schema(
        summary="Hand over after checking the pickup code",
        description="Wrong codes are counted; after 5 within 15 minutes the order answers 429.",
        request=CollectSerializer,
        responses={**_STAFF_RESPONSES, 429: ErrorSerializer},
    )
    def post(self, request, number):
        return super().post(request, number)

    def step(self, order, request, data):
        return services.order_collect(
            order=order, code=data["code"], actor=request.user, ip=request.META.get("REMOTE_ADDR")
        )


class StaffMarkShortView(StaffTransitionView):
    request_serializer = ShortLineSerializer

    @extend_schema(
        summary="Mark units of a line as not found while picking",
        request=ShortLineSerializer,
        responses=_STAFF_RESPONSES,
    )
    def post(self, request, number, line_id):
        return super().post(request, number, line_id=line_id)

    def step(self, order, request, data, line_id):
        line = get_object_or_404(order.lines, pk=line_id)
        return services.order_mark_line_short(
            line=line,
            units=data["units"],
            actor=request.user,
            already_short=data.get("already_short"),
        )
