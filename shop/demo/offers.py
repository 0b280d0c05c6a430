"""The demo chain's offers, so that `make run` shows them on the card page, the loyalty desk and
at checkout: a welcome coupon for the online shop and an automatic offer for Gold members.
Created once (by name); head office changes them in the admin."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from loyalty.models import OfferKind, Promotion, Tier

WELCOME_CODE = "WILLKOMMEN10"


def demo_offers_seed() -> int:
    """Create the demo offers that are missing; returns how many were created."""
    since = timezone.now() - dt.timedelta(days=1)
    created = 0
    _welcome, new = Promotion.objects.get_or_create(
        name="Willkommen 10 %",
        defaults={
            "code": WELCOME_CODE,
            "kind": OfferKind.PERCENT,
            "percent": 10,
            "min_order": Decimal("30.00"),
            "online": True,
            "till": False,
            "valid_from": since,
            "per_customer_limit": 1,
        },
    )
    created += new
    gold = Tier.objects.filter(name="Gold").first()
    if gold is not None:
        automatic, new = Promotion.objects.get_or_create(
            name="Gold: 5 € ab 50 €",
            defaults={
                "kind": OfferKind.AMOUNT,
                "amount": Decimal("5.00"),
                "min_order": Decimal("50.00"),
                "valid_from": since,
                "per_customer_limit": 3,
            },
        )
        if new:
            automatic.tiers.set([gold])
        created += new
    return created
