from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def km(distance) -> str:
    """A distance in km, localised: "0,4 km", "12 km"."""
    if distance is None:
        return ""
    distance = float(distance)
    return f"{floatformat(distance, 1 if distance < 10 else 0)}\u00a0km"
