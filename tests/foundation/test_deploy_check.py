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


def _database_settings(**environment: str) -> str:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "d = settings.DATABASES['default']; o = d['OPTIONS']; "
        "print(d['CONN_MAX_AGE'], o.get('pool'), o.get('server_side_binding'), "
        "o.get('prepare_threshold'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **_production_env(),
            "DATABASE_URL": "postgres://shop@db.example:5432/shop",
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_on_postgresql_borrows_connections_from_psycopgs_pool():
    assert _database_settings() == (
        "0 {'min_size': 1, 'max_size': 4, 'timeout': 10.0, 'max_idle': 300.0} None None"
    )
    assert _database_settings(WEB_THREADS="8", DB_POOL_MIN_SIZE="2", DB_POOL_TIMEOUT="3") == (
        "0 {'min_size': 2, 'max_size': 8, 'timeout': 3.0, 'max_idle': 300.0} None None"
    )
    assert _database_settings(DB_POOL="false", CONN_MAX_AGE="30") == "30 None None None"
    assert _database_settings(DB_PREPARED_STATEMENTS="true").endswith(" True 5")
