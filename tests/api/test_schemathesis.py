"""The API answers as its schema says: Schemathesis against the live test server.

For every operation of `/api/schema/`, Hypothesis generates requests from the schema (fixed
seed: `derandomize`) and sends them as four callers: anonymous, a shopper's token, a staff
token and a store token. Every answer must be no server error, have a documented status code,
content type and headers, and a body that matches the documented schema. Failures of all
operations are collected and shown together.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Examples per operation and caller: with ~22 operations and four callers this keeps the whole
# module well under two minutes.
EXAMPLES = 8


@pytest.fixture
def callers(db):
    """Data to find, and the four callers' Authorization headers."""
    store = factories.StoreFactory(code="BER-1")
    variant = factories.stocked_variant(store, "19.90", units=20)
    shopper = factories.UserFactory(phone="+49 30 1234567")
    factories.loyalty_account(shopper)
    factories.pickup_order(store, [(variant, 1)], customer=shopper)
    factories.collected_order(store, [(variant, 1)], customer=shopper)
    associate = factories.staff(store)
    return {
        "anonymous": {},
        "shopper": {"Authorization": f"Token {Token.objects.create(user=shopper).key}"},
        "staff": {"Authorization": f"Token {Token.objects.create(user=associate).key}"},
        "store": {"Authorization": f"StoreToken {factories.store_token(store)}"},
    }


@pytest.mark.parametrize("caller", ["anonymous", "shopper", "staff", "store"])
def test_every_operation_answers_as_documented(live_server, callers, caller):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    headers = callers[caller]
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20

    for operation in operations:

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(base_url=live_server.url, headers=headers, checks=CHECKS)

        try:
            check()
        except (
            Exception,
            BaseExceptionGroup,
        ) as exc:  # collected: one run shows every operation's failure
            failures.append(f"{operation.label}: {exc}")
    assert not failures, f"{len(failures)} operation(s) failed as {caller}:\n\n" + "\n\n".join(
        failures
    )
