"""Login limits: the admin login shares allauth's limiter with the shop's login, the right password
is refused while the limit holds, and a cache outage never blocks (or opens) a login."""

import logging
import time

import pytest
from django.test import override_settings

from config.settings.base import cache_config
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "Richtig-Passwort-2026"
ADMIN_LOGIN = "/admin/login/?next=/admin/"
SHOP_LOGIN = "/accounts/login/"
CLOSED_PORT_CACHE = {"default": cache_config("redis://127.0.0.1:1/0")}


@pytest.fixture
def admin_user():
    user = factories.UserFactory(is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def _admin_login(client, user, password):
    response = client.post(ADMIN_LOGIN, {"username": user.email, "password": password})
    return response, "_auth_user_id" in client.session


def _shop_login(client, user, password):
    response = client.post(SHOP_LOGIN, {"login": user.email, "password": password})
    return response, "_auth_user_id" in client.session


def test_admin_login_is_limited_and_the_right_password_waits_for_the_expiry(
    client, admin_user, monkeypatch
):
    for _ in range(5):
        response, logged_in = _admin_login(client, admin_user, "falsch")
        assert response.status_code == 200 and not logged_in
    response, logged_in = _admin_login(client, admin_user, PASSWORD)
    assert response.status_code == 200 and not logged_in
    assert "Too many failed login attempts" in response.content.decode()
    later = time.time() + 5 * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    response, logged_in = _admin_login(client, admin_user, PASSWORD)
    assert response.status_code == 302 and logged_in


def test_wrong_passwords_at_the_shop_block_the_admin_login(client, admin_user):
    for _ in range(5):
        _response, logged_in = _shop_login(client, admin_user, "falsch")
        assert not logged_in
    _response, logged_in = _admin_login(client, admin_user, PASSWORD)
    assert not logged_in


def test_wrong_passwords_at_the_admin_block_the_shop_login(client, admin_user):
    for _ in range(5):
        _admin_login(client, admin_user, "falsch")
    response, logged_in = _shop_login(client, admin_user, PASSWORD)
    assert not logged_in and "Too many failed login attempts" in response.content.decode()


def test_the_per_ip_limit_holds_across_addresses(client, admin_user):
    others = [factories.UserFactory() for _ in range(10)]
    for other in others:
        _admin_login(client, other, "falsch")
    _response, logged_in = _admin_login(client, admin_user, PASSWORD)
    assert not logged_in


@override_settings(CACHES=CLOSED_PORT_CACHE)
@pytest.mark.parametrize("login", [_shop_login, _admin_login], ids=["shop", "admin"])
def test_a_cache_outage_never_blocks_a_login(client, admin_user, login, caplog):
    with caplog.at_level(logging.ERROR, logger="core.cache"):
        response, logged_in = login(client, admin_user, "falsch")
    assert response.status_code == 200 and not logged_in
    assert "Cache unreachable" in caplog.text
    response, logged_in = login(client, admin_user, PASSWORD)
    assert response.status_code == 302 and logged_in


@override_settings(CACHES=CLOSED_PORT_CACHE)
def test_during_a_cache_outage_the_limits_fall_back_to_this_process(client, admin_user):
    for _ in range(5):
        _admin_login(client, admin_user, "falsch")
    response, logged_in = _shop_login(client, admin_user, PASSWORD)
    assert not logged_in and "Too many failed login attempts" in response.content.decode()
