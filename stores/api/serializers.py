from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from stores.models import OpeningHours, Store, Weekday


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$",
        "example": "09:00",
        "description": "Local time as HH:MM (24 hours), without seconds.",
    }
)
class HourMinuteField(serializers.TimeField):
    """A time of day sent as "HH:MM" and documented so (not OpenAPI's `format: time`, which
    would promise seconds)."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class OpeningHoursSerializer(serializers.ModelSerializer):
    day = serializers.CharField(source="get_weekday_display", help_text="Weekday name.")
    opens = HourMinuteField()
    closes = HourMinuteField()

    class Meta:
        model = OpeningHours
        fields = ["weekday", "day", "opens", "closes"]
        extra_kwargs = {"weekday": {"help_text": "0 = Monday … 6 = Sunday."}}

    def to_representation(self, hours):
        # The declared fields document the shape; writing it directly is ten times faster
        # for the dozens of rows of a store list.
        return {
            "weekday": hours.weekday,
            "day": str(Weekday(hours.weekday).label),
            "opens": f"{hours.opens:%H:%M}",
            "closes": f"{hours.closes:%H:%M}",
        }


class StoreSerializer(serializers.ModelSerializer):
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    distance_km = serializers.SerializerMethodField()
    open_now = serializers.SerializerMethodField()
    opening_hours = OpeningHoursSerializer(many=True)

    class Meta:
        model = Store
        fields = [
            "code",
            "name",
            "street",
            "postcode",
            "city",
            "latitude",
            "longitude",
            "phone",
            "email",
            "pickup_enabled",
            "pickup_hold_days",
            "distance_km",
            "open_now",
            "opening_hours",
        ]

    @extend_schema_field(
        {"type": "number", "nullable": True, "description": "Only when `near` is given."}
    )
    def get_distance_km(self, store) -> float | None:
        distance = getattr(store, "distance_km", None)
        return round(distance, 1) if distance is not None else None

    def get_open_now(self, store) -> bool:
        return store.is_open_at(timezone.localtime())
