"""What the tier-change notification shows (kind `tier_changed`)."""

from django.urls import reverse


def tier_context(change) -> dict:
    account = change.account
    return {
        "change": change,
        "account": account,
        "user": account.user,
        "tier": change.to_tier,
        "from_tier": change.from_tier,
        "went_up": change.from_tier is None
        or (
            change.to_tier is not None
            and change.to_tier.min_spend_12m > change.from_tier.min_spend_12m
        ),
    }


def tier_link(change) -> str:
    return reverse("loyalty:card")
