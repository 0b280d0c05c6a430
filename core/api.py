"""Pieces every app's API shares: pagination that answers a bad page with 400, and the
documented shapes of error responses."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination


class PageNumberPagination400(PageNumberPagination):
    """`?page=N` (48 per page, `?page_size=` up to 100). A page that is not a number or lies
    beyond the last one is a client error (400 with the reason), not a missing resource."""

    page_size = 48
    page_size_query_param = "page_size"
    max_page_size = 100

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
