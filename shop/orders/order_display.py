"""Small formatting helpers shared by the staff admin and the desk page."""

import datetime as dt

from django.utils.translation import gettext as _


def duration_short(delta: dt.timedelta) -> str:
    """ "5 min", "2 h 10 min", "3 d 4 h": how long an order has been waiting, at a glance."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    return _("%(m)d min") % {"m": minutes}
