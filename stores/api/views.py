from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny

from core.api import BAD_REQUEST
from stores.selectors import locate, stores_near

from .params import NEAR, near_from_query
from .serializers import StoreSerializer


@extend_schema(
    tags=["Stores"],
    summary="Stores with their opening hours, nearest first",
    parameters=[
        NEAR,
        OpenApiParameter(
            "q",
            OpenApiTypes.STR,
            description="A postcode or city instead of `near`: stores nearest to it come first.",
        ),
    ],
    responses={200: StoreSerializer(many=True), 400: BAD_REQUEST},
)
class StoreListView(generics.ListAPIView):
    serializer_class = StoreSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        origin = near_from_query(self.request)
        query = self.request.query_params.get("q", "").strip()
        if origin is None and query:
            origin = locate(query)
            if origin is None:
                raise ValidationError(
                    {"q": [_("We have no store in or near “%(query)s”.") % {"query": query}]}
                )
        return stores_near(origin)
