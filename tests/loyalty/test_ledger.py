import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.db.models import Sum
from django.utils import timezone

from loyalty.errors import (
    InsufficientPoints,
    LoyaltyError,
    NotAllowed,
    RedemptionTooLarge,
    SourceConflict,
)
from loyalty.models import Channel, EntryKind, LoyaltyAccount, PointsEntry
from loyalty.selectors import account_balance, points_redeemable
from loyalty.services import (
    loyalty_account_open,
    points_adjust,
    points_earn,
    points_redeem,
    points_redeem_reverse,
    points_take_back,
    points_value,
)
from stores.models import StaffRole
from tests import factories

pytestmark = pytest.mark.django_db


def earn(account, amount, source, **kwargs):
    return points_earn(
        user=account.user, amount=Decimal(amount), source=source, channel=Channel.ONLINE, **kwargs
    )


def ledger_sum(account) -> int:
    return PointsEntry.objects.filter(account=account).aggregate(s=Sum("points"))["s"] or 0


# -- accounts --------------------------------------------------------------------------------------


def test_account_open_is_idempotent_and_starts_in_the_lowest_tier(tiers):
    user = factories.UserFactory()
    first = loyalty_account_open(user=user)
    again = loyalty_account_open(user=user)
    assert first.pk == again.pk
    assert LoyaltyAccount.objects.filter(user=user).count() == 1
    assert first.tier == tiers["Basic"]


def test_every_new_user_gets_a_card(django_user_model):
    user = django_user_model.objects.create_user("new@example.com", "x-password-1")
    account = LoyaltyAccount.objects.get(user=user)
    assert len(account.card_number) == 13 and account.card_number[:2] in {
        str(n) for n in range(20, 30)
    }
    superuser = django_user_model.objects.create_superuser("boss@example.com", "x-password-1")
    assert LoyaltyAccount.objects.filter(user=superuser).exists()


def test_card_number_collision_draws_a_new_number(monkeypatch):
    taken = factories.loyalty_account()
    numbers = iter([taken.card_number, "2000000000008"])
    monkeypatch.setattr("loyalty.services.card_number_generate", lambda: next(numbers))
    account = loyalty_account_open(user=factories.UserFactory())
    assert account.card_number == "2000000000008"


# -- earning ---------------------------------------------------------------------------------------


def test_earn_one_point_per_full_euro(account):
    entry = earn(account, "24.99", "order:CC-1")
    assert entry.points == 24 and entry.amount == Decimal("24.99") and entry.kind == EntryKind.EARN
    assert account_balance(account) == 24


def test_earn_once_per_source(account):
    first = earn(account, "50.00", "order:CC-1")
    again = earn(account, "50.00", "order:CC-1")
    assert again.pk == first.pk
    assert PointsEntry.objects.count() == 1
    assert account_balance(account) == 50


def test_earn_same_source_other_amount_is_refused_and_changes_nothing(account):
    earn(account, "50.00", "order:CC-1")
    with pytest.raises(SourceConflict):
        earn(account, "60.00", "order:CC-1")
    assert account_balance(account) == 50 and PointsEntry.objects.count() == 1


def test_earn_under_one_euro_is_recorded_with_zero_points(account):
    entry = earn(account, "0.99", "order:CC-2")
    assert entry.points == 0 and entry.amount == Decimal("0.99")


def test_earn_zero_amount_earns_nothing(account):
    assert earn(account, "0", "order:CC-3") is None
    assert not PointsEntry.objects.exists()


@pytest.mark.parametrize("amount", ["-1", "100000.01", "NaN", "Infinity", "1.999", "abc"])
def test_earn_refuses_bad_amounts(account, amount):
    with pytest.raises(LoyaltyError):
        points_earn(user=account.user, amount=amount, source="order:x", channel=Channel.ONLINE)
    assert not PointsEntry.objects.exists()


def test_earn_opens_the_account_lazily_for_old_users():
    user = factories.UserFactory()  # created without the manager: no account yet
    assert not LoyaltyAccount.objects.filter(user=user).exists()
    points_earn(user=user, amount=Decimal("10"), source="order:old", channel=Channel.ONLINE)
    assert account_balance(user.loyalty_account) == 10


def test_database_refuses_a_second_entry_for_the_same_source_and_kind(account):
    earn(account, "10.00", "order:CC-9")
    with pytest.raises(IntegrityError):
        PointsEntry.objects.create(
            account=account,
            kind=EntryKind.EARN,
            points=10,
            source="order:CC-9",
            channel=Channel.ONLINE,
            occurred_at=timezone.now(),
        )


def test_database_refuses_a_sign_that_does_not_fit_the_kind(account):
    with pytest.raises(IntegrityError):
        PointsEntry.objects.create(
            account=account,
            kind=EntryKind.REDEEM,
            points=10,
            source="x",
            channel=Channel.ONLINE,
            occurred_at=timezone.now(),
        )


# -- redeeming -------------------------------------------------------------------------------------


def test_points_value():
    assert points_value(100) == Decimal("1.00")
    assert points_value(1) == Decimal("0.01")
    assert points_value(1234) == Decimal("12.34")


def test_points_redeemable_is_the_smaller_of_balance_and_half_the_order(account):
    assert points_redeemable(account, Decimal("100.00")) == 0
    earn(account, "800.00", "order:CC-1")
    assert points_redeemable(account, Decimal("10.01")) == 500
    assert points_redeemable(account, Decimal("5000.00")) == 800
    assert points_redeemable(account, Decimal("0.01")) == 0


def test_redeem_and_reverse(account):
    earn(account, "800.00", "order:CC-1")
    discount = points_redeem(
        user=account.user, points=500, source="order:CC-2", order_total=Decimal("40.00")
    )
    assert discount == Decimal("5.00")
    assert account_balance(account) == 300
    reversal = points_redeem_reverse(source="order:CC-2")
    assert reversal.points == 500 and reversal.kind == EntryKind.REDEEM_REVERSAL
    assert account_balance(account) == 800
    assert points_redeem_reverse(source="order:CC-2").pk == reversal.pk
    assert account_balance(account) == 800


def test_redeem_is_idempotent_by_source(account):
    earn(account, "800.00", "order:CC-1")
    for _ in range(2):
        points_redeem(user=account.user, points=500, source="order:CC-2", order_total=Decimal("40"))
    assert account_balance(account) == 300


def test_reverse_without_redemption_does_nothing(account):
    assert points_redeem_reverse(source="order:none") is None
    assert not PointsEntry.objects.exists()


def test_redeem_more_than_the_balance_is_refused(account):
    earn(account, "4.00", "order:CC-1")
    with pytest.raises(InsufficientPoints, match="4 points"):
        points_redeem(
            user=account.user, points=500, source="order:CC-2", order_total=Decimal("100")
        )
    assert account_balance(account) == 4
    assert PointsEntry.objects.count() == 1


def test_redeem_at_most_half_the_order(account):
    earn(account, "2000.00", "order:CC-1")
    # 20.01 € order: half is 10.005 → at most 10.00 € = 1000 points
    assert points_redeem(
        user=account.user, points=1000, source="order:A", order_total=Decimal("20.01")
    ) == Decimal("10.00")
    with pytest.raises(RedemptionTooLarge, match="1000 points"):
        points_redeem(
            user=account.user, points=1001, source="order:B", order_total=Decimal("20.01")
        )
    assert account_balance(account) == 1000


@pytest.mark.parametrize("points", [0, -5, 1.5, "100", True])
def test_redeem_refuses_odd_points(account, points):
    earn(account, "100.00", "order:CC-1")
    with pytest.raises(LoyaltyError):
        points_redeem(user=account.user, points=points, source="order:B", order_total=Decimal("99"))
    assert account_balance(account) == 100


# -- returns ---------------------------------------------------------------------------------------


def test_take_back_on_return(account):
    earn(account, "100.00", "order:CC-1")
    short = points_take_back(
        user=account.user, points=40, source="return:R-1", amount=Decimal("40")
    )
    assert short == 0
    assert account_balance(account) == 60


def test_take_back_never_below_zero_and_reports_the_shortfall(account):
    earn(account, "100.00", "order:CC-1")
    points_redeem(user=account.user, points=90, source="order:CC-2", order_total=Decimal("50"))
    short = points_take_back(user=account.user, points=40, source="return:R-1")
    assert short == 30
    assert account_balance(account) == 0
    # again: nothing more is taken, the same shortfall is reported
    assert points_take_back(user=account.user, points=40, source="return:R-1") == 30
    assert account_balance(account) == 0
    assert PointsEntry.objects.filter(kind=EntryKind.RETURN_TAKEBACK).count() == 1


def test_take_back_with_empty_balance_records_the_return(account):
    assert points_take_back(user=account.user, points=25, source="return:R-2") == 25
    entry = PointsEntry.objects.get(kind=EntryKind.RETURN_TAKEBACK)
    assert entry.points == 0


# -- adjustments -----------------------------------------------------------------------------------


def test_manager_adjusts_with_reason(account, store):
    manager = factories.staff(store, role=StaffRole.MANAGER)
    entry = points_adjust(
        account=account, points=150, reason="Goodwill after a late order", actor=manager
    )
    assert entry.kind == EntryKind.ADJUSTMENT and entry.actor == manager
    assert entry.description == "Goodwill after a late order"
    assert account_balance(account) == 150


def test_adjustment_needs_a_reason_and_a_manager(account, store):
    manager = factories.staff(store, role=StaffRole.MANAGER)
    associate = factories.staff(store)
    with pytest.raises(LoyaltyError):
        points_adjust(account=account, points=10, reason="  ", actor=manager)
    with pytest.raises(NotAllowed):
        points_adjust(account=account, points=10, reason="because", actor=associate)
    assert not PointsEntry.objects.exists()


def test_negative_adjustment_cannot_go_below_zero(account, store):
    manager = factories.staff(store, role=StaffRole.MANAGER)
    earn(account, "30.00", "order:CC-1")
    with pytest.raises(InsufficientPoints):
        points_adjust(account=account, points=-31, reason="typo", actor=manager)
    assert account_balance(account) == 30
    points_adjust(account=account, points=-30, reason="typo", actor=manager)
    assert account_balance(account) == 0


def test_balance_equals_the_ledger_after_a_mixed_history(account, store):
    manager = factories.staff(store, role=StaffRole.MANAGER)
    earn(account, "120.50", "order:1")
    earn(
        account,
        "80.00",
        "receipt:1:9",
        store=store,
        occurred_at=timezone.now() - dt.timedelta(days=3),
    )
    points_redeem(user=account.user, points=100, source="order:2", order_total=Decimal("30"))
    points_redeem_reverse(source="order:2")
    points_redeem(user=account.user, points=50, source="order:3", order_total=Decimal("30"))
    points_take_back(user=account.user, points=20, source="return:1")
    points_adjust(account=account, points=7, reason="goodwill", actor=manager)
    assert account_balance(account) == ledger_sum(account) == 120 + 80 - 50 - 20 + 7


def test_a_user_without_points_can_be_deleted_one_with_a_ledger_cannot(account):
    from django.db.models import ProtectedError

    spare = factories.loyalty_account()
    spare.user.delete()
    assert not LoyaltyAccount.objects.filter(pk=spare.pk).exists()
    earn(account, "10.00", "order:CC-1")
    with pytest.raises(ProtectedError):
        account.user.delete()
    assert account_balance(account) == 10
