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
            description="A German postcode or city/town name instead of `near` (with or without "
            "umlauts: `Köln`, `koeln`); stores nearest to it come first. A postcode is placed by "
            "its region (first two digits), so `distance_approximate` is true. A place that "
            "cannot be placed is a 400.",
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
        self.approximate = False
        if origin is None and query:
            place = locate(query)
            if place is None:
                raise ValidationError(
                    {
                        "q": [
                            _(
                                "We could not place “%(query)s”. Please give a German postcode "
                                "or the name of a city or town."
                            )
                            % {"query": query}
                        ]
                    }
                )
            origin, self.approximate = place.point, place.approximate
        return stores_near(origin)

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "approximate": getattr(self, "approximate", False),
        }
