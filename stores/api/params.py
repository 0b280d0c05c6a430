"""Query parameters about stores that several APIs read: `near=lat,lng` and a store code."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from stores.geo import InvalidLocation, Point, parse_point
from stores.models import Store

NEAR = OpenApiParameter(
    "near",
    OpenApiTypes.STR,
    description="Latitude and longitude in degrees, comma-separated, e.g. `52.52,13.40` "
    "(latitude −90 to 90, longitude −180 to 180; anything else is a 400). "
    "Stores come nearest first, with `distance_km`.",
    pattern=r"^\s*-?[0-9]+(\.[0-9]+)?\s*,\s*-?[0-9]+(\.[0-9]+)?\s*$",
)


def near_from_query(request, name: str = "near") -> Point | None:
    """The point given as `?near=lat,lng`, None when absent; 400 with the reason if malformed."""
    value = request.query_params.get(name)
    if value is None or value == "":
        return None
    try:
        return parse_point(value)
    except InvalidLocation as exc:
        raise ValidationError({name: [str(exc)]}) from None


def store_from_query(request, name: str) -> Store | None:
    """The active store whose code is given as `?<name>=`; 400 if there is no such store."""
    code = request.query_params.get(name)
    if not code:
        return None
    store = Store.objects.active().filter(code=code).first()
    if store is None:
        raise ValidationError(
            {name: [_("There is no store with the code “%(code)s”.") % {"code": code}]}
        )
    return store
