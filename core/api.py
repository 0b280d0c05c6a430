"""Pieces every app's API shares: pagination that answers a bad page with 400, the one
exception handler that renders domain errors, and the documented shapes of error responses."""

import math

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .errors import DomainError
from .templatetags.money import format_vat_note


class PageNumberPagination400(PageNumberPagination):
    """`?page=N` (48 per page, `?page_size=` up to 100). A page that is not a number or lies
    beyond the last one is a client error (400 with the reason), not a missing resource."""

    page_size = 48
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        """`page_size` from 1 to 100 (a larger one is cut to 100); anything else is a 400."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give the page size as a whole number from 1 to %(max)d.")
                        % {"max": self.max_page_size}
                    ]
                }
            )
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        """As documented: whole numbers, `page` from 1, `page_size` from 1 to 100."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            last = self.django_paginator_class(queryset, self.get_page_size(request)).num_pages
            reason = _("There is no page %(page)s: give a whole number from 1 to %(last)d.") % {
                "page": request.query_params.get(self.page_query_param),
                "last": last,
            }
            raise ValidationError({self.page_query_param: [reason]}) from None


def domain_exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: a DomainError becomes {"detail", "code", "reasons"?}
    (plus the error's extra keys) with its http_status, and Retry-After when it says when to
    try again; everything else goes to DRF's default handler.

    Nothing is rolled back here: a service that raises has already undone what it must (and
    committed what it must keep, e.g. a wrong pickup code attempt)."""
    if not isinstance(exc, DomainError):
        return exception_handler(exc, context)
    body: dict = {"detail": str(exc), "code": exc.code}
    if exc.reasons is not None:
        body["reasons"] = list(exc.reasons)
    body.update(exc.extra())
    response = Response(body, status=exc.http_status)
    if exc.retry_at is not None:
        seconds = (exc.retry_at - timezone.now()).total_seconds()
        response["Retry-After"] = str(max(math.ceil(seconds), 1))
    return response


class ErrorSerializer(serializers.Serializer):
    """The body of a refused request: a sentence for a person, and where useful a machine code
    and the individual reasons."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False)
    reasons = serializers.ListField(child=serializers.CharField(), required=False)


NOT_FOUND = OpenApiResponse(
    response=inline_serializer("NotFound", {"detail": serializers.CharField()}),
    description="No such object.",
)
BAD_REQUEST = OpenApiResponse(
    response={
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "example": {"near": ["Latitude and longitude must be numbers."]},
    },
    description="A query parameter is malformed or names nothing we have; the body maps the "
    "parameter to the reasons.",
)


class VatAmountSerializer(serializers.Serializer):
    """The VAT of one rate in a total: `rate` in per cent, amounts in euro (gross = net + vat),
    and `text` as the reader's language writes it ("inkl. 19 % MwSt. (3,19 €)")."""

    rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    gross = serializers.DecimalField(max_digits=12, decimal_places=2)
    net = serializers.DecimalField(max_digits=12, decimal_places=2)
    vat = serializers.DecimalField(max_digits=12, decimal_places=2)
    text = serializers.SerializerMethodField()

    def get_text(self, amount) -> str:
        return format_vat_note(amount)
