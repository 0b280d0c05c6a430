"""Security headers and cookie flags (issue 11, item 9): a CSP on every page with no inline script
allowed, the API docs without a script inline and without COOP unsafe-none, the language cookie
HttpOnly and SameSite=Lax (and Secure under the production settings)."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests import factories

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.parametrize("url", ["/", "/products/", "/cart/", "/accounts/login/", "/api/docs/"])
def test_every_page_has_a_csp_without_inline_scripts(client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"].split()[0] == "'self'"
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    html = response.content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or "nonce=" in tag, tag
    assert not re.search(r"\son[a-z]+=\"", html), "inline event handler"
    assert "hx-on" not in html


def test_desk_pages_have_no_inline_script(client):
    store = factories.StoreFactory()
    client.force_login(factories.staff(store))
    for url in ["/desk/", f"/loyalty/desk/?store={store.code}", "/returns/desk/"]:
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, (url, tag)
        assert not re.search(r"\son[a-z]+=\"", html), url


def test_api_docs_load_their_start_script_from_our_origin(client):
    response = client.get("/api/docs/")
    assert response.get("Cross-Origin-Opener-Policy") != "unsafe-none"
    src = re.search(r'<script src="([^"]*script=[^"]*)"', response.content.decode()).group(1)
    script = client.get(src.replace("&amp;", "&"))
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_the_language_cookie_is_httponly_and_samesite(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_production_sends_the_language_cookie_over_https_only():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "shop.example.com",
        "SITE_URL": "https://shop.example.com",
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SAMESITE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["True", "True", "Lax"], result.stderr
