import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _production_env() -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "shop.example.com",
        "SITE_URL": "https://shop.example.com",
    }
    for development_only in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(development_only, None)
    env.pop("SECURE_SSL_REDIRECT", None)
    return env


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_collectstatic_with_the_production_storage(tmp_path):
    """A release collects the static files into the hashed, compressed manifest storage: every
    file a CSS or JS file references must exist (a vendored file's source map, say)."""
    env = {**_production_env(), "STATIC_ROOT": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "staticfiles.json").exists()
