"""Concurrent writes to one account on PostgreSQL: the row lock keeps the balance >= 0."""

from decimal import Decimal

import pytest
from django.db import connection

from loyalty.errors import InsufficientPoints
from loyalty.models import Channel, EntryKind, PointsEntry
from loyalty.selectors import account_balance
from loyalty.services import points_earn, points_redeem, points_take_back
from tests import factories
from tests.components import require_postgres, run_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_redemptions_exceeding_the_balance_one_succeeds():
    require_postgres()
    account = factories.loyalty_account()
    user = account.user
    points_earn(user=user, amount=Decimal("1000"), source="order:seed", channel=Channel.ONLINE)

    outcomes = run_concurrently(
        [
            lambda n=n: points_redeem(
                user=user, points=600, source=f"order:R{n}", order_total=Decimal("100")
            )
            for n in range(2)
        ],
        timeout=30,
    )
    successes = [o for o in outcomes if o == Decimal("6.00")]
    refusals = [o for o in outcomes if isinstance(o, InsufficientPoints)]
    assert len(successes) == 1 and len(refusals) == 1, outcomes
    assert account_balance(account) == 400
    assert PointsEntry.objects.filter(kind=EntryKind.REDEEM).count() == 1


def test_many_concurrent_writes_never_go_below_zero():
    require_postgres()
    account = factories.loyalty_account()
    user = account.user
    points_earn(user=user, amount=Decimal("1000"), source="order:seed", channel=Channel.ONLINE)
    calls = [
        lambda n=n: points_redeem(
            user=user, points=300, source=f"order:R{n}", order_total=Decimal("100")
        )
        for n in range(4)
    ] + [
        lambda n=n: points_take_back(user=user, points=200, source=f"return:{n}") for n in range(2)
    ]
    outcomes = run_concurrently(calls, timeout=30)
    assert not [
        o for o in outcomes if isinstance(o, Exception) and not isinstance(o, InsufficientPoints)
    ]
    assert account_balance(account) >= 0
    redeemed = 300 * sum(1 for o in outcomes[:4] if o == Decimal("3.00"))
    not_taken = sum(o for o in outcomes[4:] if isinstance(o, int))
    assert account_balance(account) == 1000 - redeemed - (400 - not_taken)


def test_the_account_row_is_locked_before_the_balance_is_read_and_written():
    require_postgres()
    from django.db import transaction
    from django.test.utils import CaptureQueriesContext

    account = factories.loyalty_account()
    points_earn(
        user=account.user, amount=Decimal("10"), source="order:seed", channel=Channel.ONLINE
    )
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        points_redeem(user=account.user, points=5, source="order:R", order_total=Decimal("10"))
    sql = [q["sql"] for q in captured.captured_queries]
    lock = next(i for i, s in enumerate(sql) if "FOR UPDATE" in s and "loyalty_loyaltyaccount" in s)
    balance = next(i for i, s in enumerate(sql) if "SUM(" in s and "loyalty_pointsentry" in s)
    insert = next(
        i for i, s in enumerate(sql) if s.startswith("INSERT") and "loyalty_pointsentry" in s
    )
    assert lock < balance < insert
