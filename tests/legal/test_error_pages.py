"""Branded error pages in both languages, and DEBUG off unless asked for."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import include, path

from core import views

ROOT = Path(__file__).resolve().parents[2]


def boom(request):
    raise RuntimeError("broken")


def forbidden(request):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


def bad(request):
    from django.core.exceptions import SuspiciousOperation

    raise SuspiciousOperation("bad")


urlpatterns = [
    path("boom/", boom),
    path("forbidden/", forbidden),
    path("bad/", bad),
    path("", include("config.urls")),  # the layout links the shop's pages
]
handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"


@pytest.mark.django_db
def test_404_is_the_shop_page_in_the_readers_language(client):
    german = client.get("/gibt-es-nicht/", HTTP_ACCEPT_LANGUAGE="de")
    assert german.status_code == 404
    assert "Seite nicht gefunden" in german.text
    assert 'class="site-header"' in german.text and "Zur Startseite" in german.text
    assert 'href="/legal/imprint/"' in german.text  # the footer too
    english = client.get("/no-such-page/")
    assert english.status_code == 404 and "Page not found" in english.text
    assert "Not Found" not in english.text


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_400_403_and_500_are_branded():
    client = Client(raise_request_exception=False)
    forbidden_page = client.get("/forbidden/", HTTP_ACCEPT_LANGUAGE="de")
    assert forbidden_page.status_code == 403 and "Zugriff verweigert" in forbidden_page.text
    bad_page = client.get("/bad/")
    assert bad_page.status_code == 400 and "Bad request" in bad_page.text
    error = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="de")
    assert error.status_code == 500
    assert "Da ist etwas schiefgegangen" in error.text and "Zur Startseite" in error.text
    assert 'class="site-header"' in error.text


@pytest.mark.django_db
def test_a_csrf_failure_is_a_branded_page():
    assert settings.CSRF_FAILURE_VIEW == "core.views.csrf_failure"
    client = Client(enforce_csrf_checks=True)
    response = client.post("/cart/add/", {"variant": 1}, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 403
    assert "Das Formular ist abgelaufen" in response.text and "Zur Startseite" in response.text


def test_the_500_page_needs_no_request_and_no_database():
    from django.test import RequestFactory

    html = views.server_error(RequestFactory().get("/")).content.decode()
    assert "Omni<span>shop</span>" in html and 'href="/"' in html


def _setting(name: str, env: dict) -> str:
    code = f"from django.conf import settings; print(settings.{name})"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_debug_is_off_unless_asked_for_and_make_run_still_serves_static_and_media():
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    assert _setting("DEBUG", env) == "False"
    assert _setting("WHITENOISE_USE_FINDERS", env) == "True"
    assert _setting("SERVE_MEDIA", env) == "True"
    assert _setting("DEBUG", env | {"DEBUG": "True"}) == "True"


@pytest.mark.django_db
def test_media_and_static_files_are_served_without_debug(client):
    assert not settings.DEBUG
    media = Path(settings.MEDIA_ROOT) / "legal-test" / "picture.txt"
    media.parent.mkdir(parents=True, exist_ok=True)
    media.write_text("a picture")
    response = client.get(f"/{settings.MEDIA_URL.strip('/')}/legal-test/picture.txt")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"a picture"
    assert client.get("/static/css/legal.css").status_code == 200
