import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from loyalty.models import Channel, Tier, TierChange
from loyalty.selectors import account_spend_12m
from loyalty.services import points_earn, points_take_back, tiers_recompute
from loyalty.tasks import recompute_tiers
from tests import factories

pytestmark = pytest.mark.django_db


def earn(account, amount, source, **kwargs):
    return points_earn(
        user=account.user, amount=Decimal(amount), source=source, channel=Channel.STORE, **kwargs
    )


def test_seeded_tiers():
    assert [(t.name, t.min_spend_12m, t.multiplier) for t in Tier.objects.all()] == [
        ("Basic", Decimal("0.00"), Decimal("1.00")),
        ("Silver", Decimal("500.00"), Decimal("1.25")),
        ("Gold", Decimal("1500.00"), Decimal("1.50")),
    ]


@pytest.mark.parametrize(
    ("spend", "tier"),
    [("499.99", "Basic"), ("500.00", "Silver"), ("1499.99", "Silver"), ("1500.00", "Gold")],
)
def test_thresholds_at_their_edges(account, spend, tier):
    earn(account, spend, "receipt:1")
    account.refresh_from_db()
    assert account.tier.name == tier


def test_multiplier_of_the_tier_at_purchase_applies(account, tiers):
    first = earn(account, "500.00", "receipt:1")  # Basic when buying: ×1
    assert first.points == 500
    second = earn(account, "10.99", "receipt:2")  # now Silver: 10 × 1.25 = 12.5 → 12
    assert second.points == 12
    earn(account, "1000.00", "receipt:3")  # Silver: 1250 points, reaches Gold
    account.refresh_from_db()
    assert account.tier == tiers["Gold"]
    assert earn(account, "3.00", "receipt:4").points == 4  # 3 × 1.5 = 4.5 → 4


def test_tier_change_is_recorded_once(account, tiers):
    earn(account, "600.00", "receipt:1")
    earn(account, "10.00", "receipt:2")
    change = TierChange.objects.get()
    assert (change.from_tier, change.to_tier) == (tiers["Basic"], tiers["Silver"])
    assert change.spend_12m == Decimal("600.00")
    assert change.notified_at is not None  # the customer's message is in the outbox


def test_spend_counts_only_the_last_twelve_months(account):
    now = timezone.now()
    earn(account, "400.00", "receipt:old", occurred_at=now - dt.timedelta(days=366))
    earn(account, "200.00", "receipt:new", occurred_at=now - dt.timedelta(days=364))
    assert account_spend_12m(account) == Decimal("200.00")
    account.refresh_from_db()
    assert account.tier.name == "Basic"


def test_returns_lower_the_spend(account):
    earn(account, "600.00", "receipt:1")
    points_take_back(user=account.user, points=200, source="return:1", amount=Decimal("200.00"))
    account.refresh_from_db()
    assert account_spend_12m(account) == Decimal("400.00")
    assert account.tier.name == "Basic"


def test_nightly_recompute_moves_accounts_whose_purchases_left_the_window(tiers):
    now = timezone.now()
    aged = factories.loyalty_account()
    earn(aged, "600.00", "receipt:a", occurred_at=now - dt.timedelta(days=300))
    fresh = factories.loyalty_account()
    earn(fresh, "1600.00", "receipt:b")
    untouched = factories.loyalty_account()
    aged.refresh_from_db()
    assert aged.tier == tiers["Silver"]

    later = now + dt.timedelta(days=70)  # the 600 € are now older than a year
    assert tiers_recompute(now=later) == 1
    assert tiers_recompute(now=later) == 0  # idempotent
    for account in (aged, fresh, untouched):
        account.refresh_from_db()
    assert aged.tier == tiers["Basic"]
    assert fresh.tier == tiers["Gold"]
    assert untouched.tier == tiers["Basic"]
    assert TierChange.objects.filter(account=aged, to_tier=tiers["Basic"]).count() == 1


def test_recompute_follows_edited_thresholds(account, tiers):
    earn(account, "300.00", "receipt:1")
    Tier.objects.filter(name="Silver").update(min_spend_12m=Decimal("300.00"))
    assert recompute_tiers() == 1
    account.refresh_from_db()
    assert account.tier.name == "Silver"


def test_recompute_query_count_does_not_grow_with_accounts(django_assert_max_num_queries):
    for _ in range(15):
        factories.loyalty_account()
    with django_assert_max_num_queries(5):
        assert tiers_recompute() == 0


def test_beat_schedule_runs_the_task_nightly():
    entry = settings.CELERY_BEAT_SCHEDULE["loyalty-recompute-tiers"]
    assert entry["task"] == recompute_tiers.name


def test_without_a_tier_below_the_lowest_threshold_accounts_have_none(account, tiers):
    Tier.objects.filter(name="Basic").update(min_spend_12m=Decimal("10.00"))
    assert tiers_recompute() == 1
    account.refresh_from_db()
    assert account.tier is None
    assert earn(account, "3.00", "receipt:1").points == 3  # no tier: ×1
    earn(account, "7.00", "receipt:2")
    account.refresh_from_db()
    assert account.tier.name == "Basic"
