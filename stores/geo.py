"""Distances between stores and shoppers, short enough for an equirectangular approximation.

Within a country the error is well under 1 %, and the expression is plain arithmetic, so it
orders stores in SQL on PostgreSQL and SQLite alike without trigonometric functions.
"""

import math
from dataclasses import dataclass

from django.db.models import ExpressionWrapper, F, FloatField
from django.db.models.functions import Cast, Sqrt
from django.utils.translation import gettext as _

KM_PER_DEGREE_LAT = 110.574
KM_PER_DEGREE_LNG_AT_EQUATOR = 111.320


@dataclass(frozen=True)
class Point:
    lat: float
    lng: float


class InvalidLocation(ValueError):
    pass


def parse_point(value: str) -> Point:
    """Parse "lat,lng" as sent in `?near=`; raise InvalidLocation with a readable reason."""
    parts = (value or "").split(",")
    if len(parts) != 2:
        raise InvalidLocation(_("Expected 'latitude,longitude', for example 52.52,13.40."))
    try:
        lat, lng = (float(p) for p in parts)
    except ValueError:
        raise InvalidLocation(_("Latitude and longitude must be numbers.")) from None
    if not (math.isfinite(lat) and math.isfinite(lng)) or not (
        -90 <= lat <= 90 and -180 <= lng <= 180
    ):
        raise InvalidLocation(_("Latitude must lie in [-90, 90] and longitude in [-180, 180]."))
    return Point(lat, lng)


def distance_km_expression(
    origin: Point, lat_field: str = "latitude", lng_field: str = "longitude"
):
    """SQL expression for the distance in km from `origin` to a row's coordinates."""
    kx = KM_PER_DEGREE_LNG_AT_EQUATOR * math.cos(math.radians(origin.lat))
    dx = (Cast(F(lng_field), FloatField()) - origin.lng) * kx
    dy = (Cast(F(lat_field), FloatField()) - origin.lat) * KM_PER_DEGREE_LAT
    return ExpressionWrapper(Sqrt(dx * dx + dy * dy), output_field=FloatField())


def distance_km(a: Point, b: Point) -> float:
    kx = KM_PER_DEGREE_LNG_AT_EQUATOR * math.cos(math.radians(a.lat))
    return math.hypot((b.lng - a.lng) * kx, (b.lat - a.lat) * KM_PER_DEGREE_LAT)
