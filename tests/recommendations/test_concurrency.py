"""Two runs of the nightly job at the same moment on PostgreSQL: both finish, one after the
other, and the rows are those of one run (no duplicate, no unique-key error)."""

import time

import pytest
from django.db import transaction

from shop.recommendations.models import AlsoBought, CustomerPick
from shop.recommendations.services import recommendations_compute
from tests.components import require_postgres
from tests.loyalty.test_concurrency import run_concurrently
from tests.recommendations.test_recommendations import expected_pairs, world  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_runs_at_once_leave_one_result(world):  # noqa: F811
    require_postgres()

    def slow():
        # the first run's transaction stays open a while after it replaced the rows
        with transaction.atomic():
            recommendations_compute()
            time.sleep(1)

    def late():
        time.sleep(0.3)  # starts replacing while the first has not committed yet
        return recommendations_compute()

    outcomes = run_concurrently([slow, late])
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert AlsoBought.objects.count() == 2 * len(expected_pairs(world))
    assert CustomerPick.objects.count() == 5
