from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from stores import calendar
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
    distance_approximate = serializers.SerializerMethodField()
    open_now = serializers.SerializerMethodField()
    closes_at = serializers.SerializerMethodField()
    opens_at = serializers.SerializerMethodField()
    special_days = serializers.SerializerMethodField()
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
            "distance_approximate",
            "open_now",
            "closes_at",
            "opens_at",
            "special_days",
            "state",
            "opening_hours",
        ]

    @extend_schema_field(
        {"type": "number", "nullable": True, "description": "Only when `near` is given."}
    )
    def get_distance_km(self, store) -> float | None:
        distance = getattr(store, "distance_km", None)
        return round(distance, 1) if distance is not None else None

    @extend_schema_field(
        {
            "type": "boolean",
            "description": "True when the origin is only known roughly (a postcode's region): "
            "`distance_km` is then approximate.",
        }
    )
    def get_distance_approximate(self, store) -> bool:
        return getattr(store, "distance_km", None) is not None and bool(
            self.context.get("approximate")
        )

    def _status(self, store) -> calendar.OpenStatus:
        cached = getattr(store, "_api_status", None)
        if cached is None:
            cached = store._api_status = calendar.open_status(store=store, at=timezone.now())
        return cached

    def get_open_now(self, store) -> bool:
        return self._status(store).open

    @extend_schema_field(
        {
            "type": "string",
            "format": "date-time",
            "nullable": True,
            "description": "While open: when the store closes next.",
        }
    )
    def get_closes_at(self, store) -> str | None:
        moment = self._status(store).closes_at
        return moment.isoformat() if moment else None

    @extend_schema_field(
        {
            "type": "string",
            "format": "date-time",
            "nullable": True,
            "description": "While closed: when the store opens next (special days and the "
            "public holidays of its federal state counted).",
        }
    )
    def get_opens_at(self, store) -> str | None:
        moment = self._status(store).opens_at
        return moment.isoformat() if moment else None

    @extend_schema_field(
        {
            "type": "array",
            "description": "Special days and public holidays in the next 14 days.",
            "items": {
                "type": "object",
                "properties": {
                    "date": {"type": "string", "format": "date"},
                    "kind": {"type": "string", "enum": ["special", "holiday"]},
                    "note": {"type": "string"},
                    "opens": {"type": "string", "nullable": True},
                    "closes": {"type": "string", "nullable": True},
                },
            },
        }
    )
    def get_special_days(self, store) -> list[dict]:
        return [
            {
                "date": day.day.isoformat(),
                "kind": day.kind,
                "note": day.note,
                "opens": f"{day.opens:%H:%M}" if day.opens else None,
                "closes": f"{day.closes:%H:%M}" if day.closes else None,
            }
            for day in calendar.exceptions_ahead(store=store, at=timezone.now())
        ]
