"""Erasing a customer (customers.services.erasure): the recommendation answers keep their score
for the store's NPS, but the comment is the customer's own words and goes."""

from accounts.models import User
from core.privacy import REDACTED

from .models import NpsSurvey


def nps_forget(*, user: User) -> int:
    """Blank the customer's survey comments; returns how many."""
    return NpsSurvey.objects.filter(customer=user).exclude(comment="").update(comment=REDACTED)
