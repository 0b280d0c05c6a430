"""Returns API: shoppers start and follow returns; staff receive and refund at their store.

The services' errors (returns/errors.py) raise through to the API's exception handler: a return
or order the caller may not act on is a 404, any other refusal a 400 (with its reasons)."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer
from returns import selectors
from returns.codes import return_code_normalize
from returns.models import ReturnRequest
from returns.services import (
    LineInspection,
    return_receive,
    return_refund,
    return_request_create,
)
from shop.orders.models import Order
from stores.models import Store
from stores.selectors import staff_stores

from .serializers import (
    ReceiveSerializer,
    RefundRequestSerializer,
    ReturnCreateSerializer,
    ReturnSerializer,
)

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Refused, with the reasons."),
    404: OpenApiResponse(ErrorSerializer, description="No such return or order for you."),
}


def _order_line_id(order: Order, choice: dict) -> int:
    if "line_id" in choice:
        return choice["line_id"]
    line = order.lines.filter(sku=choice["sku"]).first()
    if line is None:
        raise ValidationError({"lines": [_("No item with SKU %(sku)s in this order.") % choice]})
    return line.pk


class ReturnListCreateView(ListAPIView):
    """The shopper's own returns; POST starts a new one from a collected order."""

    permission_classes = [IsAuthenticated]
    serializer_class = ReturnSerializer

    def get_queryset(self):
        return selectors.returns_for_customer(self.request.user)

    @extend_schema(summary="My returns", responses=ReturnSerializer(many=True))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Start a return",
        request=ReturnCreateSerializer,
        responses={201: ReturnSerializer, **ERRORS},
    )
    def post(self, request):
        data = ReturnCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = Order.objects.filter(
            number__iexact=data.validated_data["order_number"].strip(), customer=request.user
        ).first()
        if order is None:
            raise NotFound(_("No such order."))
        lines = [
            (_order_line_id(order, choice), choice["quantity"])
            for choice in data.validated_data["lines"]
        ]
        ret = return_request_create(
            order=order,
            lines=lines,
            reason=data.validated_data["reason"],
            comment=data.validated_data["comment"],
            actor=request.user,
            idempotency_key=data.validated_data["idempotency_key"],
        )
        ret = selectors.returns_for_customer(request.user).get(pk=ret.pk)
        return Response(ReturnSerializer(ret).data, status=status.HTTP_201_CREATED)


class ReturnDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="One of my returns", responses={200: ReturnSerializer, 404: ERRORS[404]})
    def get(self, request, code):
        ret = get_object_or_404(
            selectors.returns_for_customer(request.user), code=return_code_normalize(code)
        )
        return Response(ReturnSerializer(ret).data)


def _staff_store(request, code: str | None) -> Store:
    stores = staff_stores(user=request.user)
    if code:
        store = stores.filter(code=code).first()
    else:
        candidates = list(stores[:2])
        if len(candidates) > 1:
            raise ValidationError({"store": [_("You work in several stores: say which one.")]})
        store = candidates[0] if candidates else None
    if store is None:
        raise NotFound(_("No such store among yours."))
    return store


def _staff_return(request, code: str, store: Store) -> ReturnRequest:
    """Any store may receive a requested return found by its exact code; once received, it
    belongs to the receiving store."""
    ret = (
        selectors.with_details(ReturnRequest.objects)
        .filter(code=return_code_normalize(code))
        .filter(Q(received_store__isnull=True) | Q(received_store=store))
        .first()
    )
    if ret is None:
        raise NotFound(_("No such return for your store."))
    return ret


class StaffReceiveView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        summary="Receive a return at the counter",
        description="Inspect every line: sellable goes back onto this store's shelf, damaged is "
        "written off, rejected needs a reason.",
        request=ReceiveSerializer,
        responses={200: ReturnSerializer, **ERRORS},
    )
    def post(self, request, code):
        data = ReceiveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        store = _staff_store(request, data.validated_data.get("store"))
        ret = _staff_return(request, code, store)
        by_sku = {line.order_line.sku: line.pk for line in ret.lines.all()}
        inspections = {}
        for item in data.validated_data["lines"]:
            line_id = item.get("line_id") or by_sku.get(item.get("sku"))
            if line_id is None:
                raise ValidationError({"lines": [_("No such item in this return.")]})
            inspections[line_id] = LineInspection(item["condition"], item["reject_reason"])
        return_receive(ret=ret, store=store, actor=request.user, inspections=inspections)
        return Response(
            ReturnSerializer(selectors.with_details(ReturnRequest.objects).get(pk=ret.pk)).data
        )


class StaffRefundView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        summary="Refund a received return",
        description="Once per return; a repeat returns the refund already issued.",
        request=RefundRequestSerializer,
        responses={200: ReturnSerializer, **ERRORS},
    )
    def post(self, request, code):
        data = RefundRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        store = _staff_store(request, data.validated_data.get("store"))
        ret = _staff_return(request, code, store)
        return_refund(
            ret=ret, store=store, method=data.validated_data["method"], actor=request.user
        )
        return Response(
            ReturnSerializer(selectors.with_details(ReturnRequest.objects).get(pk=ret.pk)).data
        )
