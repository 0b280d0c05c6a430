"""gunicorn.conf.py: processes from the cores, and a JSON access log with the request id."""

import json
import os
import runpy
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.notifications.broker import closed_port

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def load(monkeypatch, **env):
    for name in ("WEB_WORKERS", "WEB_WORKERS_MAX", "WEB_THREADS", "LOG_FORMAT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_workers_follow_the_cores(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert load(monkeypatch)["workers"] == 5
    assert load(monkeypatch, WEB_WORKERS_MAX="3")["workers"] == 3
    assert load(monkeypatch, WEB_WORKERS="7")["workers"] == 7
    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    conf = load(monkeypatch, WEB_THREADS="4")
    assert conf["workers"] == 8 and conf["threads"] == 4
    assert "logger_class" not in conf  # readable logs unless LOG_FORMAT=json


def test_json_access_log_carries_the_request_id(tmp_path):
    port = closed_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "LOG_FORMAT": "json",
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": "1",
    }
    out = tmp_path / "access.log"
    with out.open("w") as stdout:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(CONF), "config.wsgi:application"],
            cwd=CONF.parent,
            env=env,
            stdout=stdout,
            stderr=subprocess.DEVNULL,
        )
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/health/live/",
            headers={"X-Request-ID": "probe-1", "User-Agent": 'odd "agent"'},
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(request, timeout=2) as response:
                    assert response.status == 200
                    assert response.headers["X-Request-ID"] == "probe-1"
                break
            except OSError:
                assert process.poll() is None, "gunicorn exited"
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.2)
        deadline = time.monotonic() + 10
        while not out.read_text().strip() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=30)
    lines = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
    access = [line for line in lines if line.get("logger") == "gunicorn.access"]
    assert access, out.read_text()
    assert access[-1]["request_id"] == "probe-1"
    assert access[-1]["path"] == "/health/live/"
    assert access[-1]["status"] == "200"
    assert access[-1]["user_agent"] == 'odd "agent"'
