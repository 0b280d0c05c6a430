"""The one exception handler of the API: domain errors render as {"detail", "code", "reasons"?}
with their status; anything else is DRF's business as before."""

import datetime as dt

from django.utils import timezone
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from core.api import domain_exception_handler
from core.errors import DomainError


class ShelfEmpty(DomainError):
    code = "shelf_empty"
    http_status = 409


class SlowDown(DomainError):
    code = "rate_limited"
    http_status = 429


def _raising(exc):
    class View(APIView):
        authentication_classes: list = []
        permission_classes: list = []

        def get(self, request):
            raise exc

    return View.as_view()(APIRequestFactory().get("/"))


def test_a_domain_error_renders_with_its_status_and_code():
    response = _raising(ShelfEmpty("Nothing left on the shelf."))
    assert response.status_code == 409
    assert response.data == {"detail": "Nothing left on the shelf.", "code": "shelf_empty"}
    assert "Retry-After" not in response


def test_reasons_and_retry_after_when_the_error_carries_them():
    error = SlowDown("Too many tries.", reasons=["one", "two"])
    error.retry_at = timezone.now() + dt.timedelta(seconds=90)
    response = _raising(error)
    assert response.status_code == 429
    assert response.data == {
        "detail": "Too many tries.",
        "code": "rate_limited",
        "reasons": ["one", "two"],
    }
    assert 89 <= int(response["Retry-After"]) <= 90


def test_the_base_class_is_a_400():
    response = domain_exception_handler(DomainError("No."), {})
    assert (response.status_code, response.data) == (400, {"detail": "No.", "code": "invalid"})


def test_other_exceptions_go_through_drfs_default_handler():
    response = _raising(ValidationError({"near": ["Latitude and longitude must be numbers."]}))
    assert response.status_code == 400
    assert response.data == {"near": ["Latitude and longitude must be numbers."]}
    response = _raising(NotFound("No such thing."))
    assert (response.status_code, response.data) == (404, {"detail": "No such thing."})
    assert domain_exception_handler(ValueError("boom"), {}) is None  # a bug stays a 500
