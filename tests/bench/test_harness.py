"""The bench harness itself, quickly and without the bench's PostgreSQL data: CPU counted
process by process on real processes, and one short load run against a real gunicorn."""

import math
import os
import shutil
import subprocess
import sys
import time

import pytest

from tests.bench.harness import (
    Server,
    Target,
    bench_redis,
    checks,
    cpu_spent,
    measure,
    read_cpu,
    stop_bench_redis,
    summary,
    table,
)
from tests.components import require

# Burns `seconds` of its own CPU, says so, then sleeps until it is killed.
BURN = (
    "import sys, time\n"
    "while time.process_time() < float(sys.argv[1]): pass\n"
    "print('burnt', flush=True)\n"
    "time.sleep(60)\n"
)


@pytest.fixture
def spawn():
    started = []

    def start(seconds: float) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-c", BURN, str(seconds)], stdout=subprocess.PIPE, text=True
        )
        started.append(process)
        assert process.stdout.readline() == "burnt\n"
        return process

    yield start
    for process in started:
        process.kill()
        process.wait()


def test_cpu_is_counted_per_process_and_a_process_lost_mid_run_is_named(spawn):
    steady = spawn(0.05)
    ending = spawn(0.05)
    unlisted = spawn(0.05)
    start = read_cpu({steady.pid: "web", ending.pid: "database"})
    time.sleep(0.02)  # the newcomer starts a clock tick after the start reading
    newcomer = spawn(0.3)
    ending.kill()
    ending.wait()
    end = read_cpu(
        {steady.pid: "web", ending.pid: "database", newcomer.pid: "database", unlisted.pid: "web"}
    )

    spent = cpu_spent(start, end)

    # all the newcomer burnt (0.3 s) counts; the steady one slept through the run
    assert 0.29 <= spent.seconds["database"] < 0.5
    assert spent.seconds["web"] < 0.05
    assert sorted(spent.uncounted) == sorted(
        [
            f"database pid {ending.pid} (ended during the run)",
            f"web pid {unlisted.pid} (running before the run, not seen at its start)",
        ]
    )


@pytest.fixture
def redis_of_the_bench():
    require(shutil.which("redis-server") is not None, "redis-server on PATH")
    yield bench_redis()
    stop_bench_redis()


def test_a_short_run_against_gunicorn_is_measured_and_printed(redis_of_the_bench):
    # the smoke app has no database (CI's DATABASE_URL names one only pytest's copy of exists)
    env = {**os.environ, "CACHE_URL": redis_of_the_bench.url}
    env.pop("DATABASE_URL", None)
    with Server(env, app="tests.bench.smoke:application", workers=1, threads=2) as server:
        result = measure(server, "smoke", ["/"], clients=2, warmup=0.1, duration=0.5)
        once = measure(
            server,
            "once",
            [f"/{n}" for n in range(2000)],
            clients=2,
            warmup=0.05,
            duration=30,
            once=True,
        )
        assert set(server.processes().values()) == {"web", "cache"}
        assert server.description.endswith(
            f"cache: the bench's own redis-server (pid {redis_of_the_bench.process.pid})"
        )

    assert result.requests > 0
    assert result.errors == 0
    assert result.statuses == {200: result.requests}
    assert result.cpu.uncounted == []
    assert 0 < result.cpu_ms < 50 and not math.isnan(result.cpu_ms)
    assert result.cache == (0, 0) and result.hit_rate == "no reads"
    # each of the 2,000 sent once, some in the warm-up; then the run ends, before its 30 s
    assert 0 < once.requests < 2000 and once.seconds < 25
    printed = table([result], {"smoke": Target(min_rps=1)}, floor="smoke")
    assert "≥ 1/s: PASS" in printed
    found = checks([result], {"smoke": Target(min_rps=10**9)})
    assert [(c.name, c.verdict) for c in found] == [("smoke", "MISS")]
    assert "smoke" in summary({"section": found}) and "target ≥ 1,000,000,000/s" in summary(
        {"section": found}
    )


def test_the_bench_redis_counts_hits_and_misses(redis_of_the_bench):
    import redis

    client = redis.Redis.from_url(redis_of_the_bench.url)
    before = redis_of_the_bench.hits_and_misses()
    client.set("seen", "1")
    client.get("seen")
    client.get("unseen")
    hits, misses = redis_of_the_bench.hits_and_misses()
    client.close()
    assert (hits - before[0], misses - before[1]) == (1, 1)
