"""`GET /api/v1/insight/kpis/?store=&from=&to=`: the dashboard's figures for staff."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer
from shop.catalogue.models import Category
from stores.models import Store

from . import selectors
from .forms import KpiFilterForm
from .selectors import Period


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField(source="first")
    end = serializers.DateField(source="last")


class KpiSectionsSerializer(serializers.Serializer):
    click_and_collect = serializers.DictField(
        help_text="orders, collected, revenue, placed_to_ready_h and ready_to_collected_h "
        "(p50, p90), promises_kept, expiry_rate, short_pick_rate, cancelled"
    )
    customers = serializers.DictField(
        help_text="active_members, revenue, card_revenue_share, tiers, points_liability, "
        "store_credit_liability, buyers, cross_channel_share, clv_12m (online, store, both), "
        "repeat_rate"
    )
    conversion = serializers.DictField(
        help_text="interests, converted, rate, by_store (store code → purchases), by_category "
        "(category slug → interests, converted, rate)"
    )
    stock = serializers.DictField(
        help_text="table (store, category, sold, opening, closing, turnover, days_of_cover), "
        "stockouts (store, category, shown: times shoppers saw 'not available at my store', "
        "products), drift_findings, drift_units"
    )
    returns = serializers.DictField(
        help_text="requests, units, rate, by_reason, by_condition, by_method (count, amount)"
    )
    nps = serializers.DictField(
        help_text="answers, promoters, detractors, nps (−100 to 100), by_store (store code → "
        "the same), comments (store, score, comment, answered_at)"
    )


class KpiResponseSerializer(serializers.Serializer):
    period = PeriodSerializer()
    previous_period = PeriodSerializer()
    stores = serializers.ListField(child=serializers.CharField())
    kpis = KpiSectionsSerializer()
    previous = KpiSectionsSerializer()


def _with_codes(figures: dict) -> dict:
    """Store and category ids of the selectors as the codes and slugs the API speaks."""
    stores = dict(Store.objects.values_list("pk", "code"))
    categories = dict(Category.objects.values_list("pk", "slug"))
    conversion = figures["conversion"]
    conversion["by_store"] = {stores[k]: v for k, v in conversion["by_store"].items()}
    conversion["by_category"] = {
        categories.get(k, str(k)): v for k, v in conversion["by_category"].items()
    }
    figures["stock"]["table"] = [
        {
            "store": stores[row.pop("store_id")],
            "category": categories.get(row.pop("category_id"), ""),
            **row,
        }
        for row in figures["stock"]["table"]
    ]
    figures["stock"]["stockouts"] = [
        {
            "store": stores[row.pop("store_id")],
            "category": categories.get(row.pop("category_id"), ""),
            **row,
        }
        for row in figures["stock"]["stockouts"]
    ]
    nps = figures["nps"]
    nps["by_store"] = {stores[k]: v for k, v in nps["by_store"].items()}
    nps["comments"] = [{"store": stores[c.pop("store_id")], **c} for c in nps["comments"]]
    return figures


class KpiView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Key figures of stores for a period",
        description=(
            "The dashboard's figures for the period and the period of the same length before "
            "it. Store managers see the stores they manage; the head office every store. "
            "Without `store`, all of the caller's open stores together. Dates are local days, "
            "both included; without them, the last 30 days. Shares are fractions from 0 to 1; "
            "amounts are euros; durations hours."
        ),
        parameters=[
            OpenApiParameter("store", str, description="Store code; default: all the caller's."),
            OpenApiParameter("from", str, description="First day, YYYY-MM-DD."),
            OpenApiParameter("to", str, description="Last day, YYYY-MM-DD."),
        ],
        responses={
            200: KpiResponseSerializer,
            400: OpenApiResponse(description="A date that is not a date, or a bad range."),
            403: OpenApiResponse(ErrorSerializer, "Not a store manager or head office."),
            404: OpenApiResponse(ErrorSerializer, "No such store among the caller's."),
        },
        tags=["insight"],
    )
    def get(self, request):
        stores = selectors.kpi_stores(user=request.user)
        if not stores.exists():
            raise PermissionDenied(_("The key figures are for store managers and the head office."))
        code = request.query_params.get("store") or ""
        if code and not stores.filter(code=code).exists():
            raise NotFound(_("You have no store with this code."))
        form = KpiFilterForm(
            {
                "store": code,
                "start": request.query_params.get("from"),
                "end": request.query_params.get("to"),
            },
            stores=stores,
        )
        if not form.is_valid():
            names = {"start": "from", "end": "to"}
            raise ValidationError(
                {
                    names.get(name, name): [str(e) for e in errors]
                    for name, errors in form.errors.items()
                }
            )
        data = form.cleaned_data
        period = Period(first=data["start"], last=data["end"])
        chosen = [data["store"]] if data.get("store") else list(stores.active().order_by("name"))
        ids = [store.pk for store in chosen]
        with selectors.reading():
            body = {
                "period": period,
                "previous_period": period.previous(),
                "stores": [store.code for store in chosen],
                "kpis": _with_codes(selectors.kpis(period=period, store_ids=ids)),
                "previous": _with_codes(selectors.kpis(period=period.previous(), store_ids=ids)),
            }
        return Response(KpiResponseSerializer(body).data)
