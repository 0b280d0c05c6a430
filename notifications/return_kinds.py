"""Notification kinds of returns; registered in `kinds.KINDS`."""

from django.utils.translation import gettext_lazy as _

from . import return_content
from .kinds import Kind

RETURN_KINDS = [
    Kind(
        "return_received",
        _("We received your return {ret.code}"),
        context=return_content.return_context,
        link=return_content.return_link,
        description=_("Shopper: a return was checked in a store"),
    ),
    Kind(
        "refund_issued",
        _("Your refund for return {ret.code}"),
        context=return_content.return_context,
        link=return_content.return_link,
        description=_("Shopper: the money for a return was refunded"),
    ),
]
