"""Reusable pieces for `make bench`: a PostgreSQL database with data, the production server
(gunicorn) on loopback, a load generator, and figures printed next to their targets.

A benchmark module (a section of `python -m tests.bench`) has a `run() -> list[Check]`, called
in a process of its own with `setup_django()` pointing at the section's database: it prepares
its data, starts `Server`, calls `measure()` once per endpoint, prints `table()` and returns
its checks (`checks()` for measured endpoints, `Check` for any other figure).

The load generator is asyncio over raw HTTP/1.1 keep-alive sockets: a few microseconds of
client work per request, so on a 2-core machine the server, not the client, is the bottleneck.
Every run is bounded in time and in requests and talks to 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/omni_bench"
PYTHON = sys.executable


def database_url(suffix: str = "") -> str:
    """The bench database of a section: `BENCH_DATABASE_URL` (default omni_bench) with
    `suffix` appended to its name, so sections with different data never mix."""
    url = urlsplit(os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL)
    return url._replace(path=url.path + suffix).geturl()


def server_env(database: str, **extra: str) -> dict[str, str]:
    """Production settings (plus the bench-only views), on the given bench database, with the
    cache on the bench's own Redis (as production has its cache on Redis; see `BenchRedis`)."""
    redis = bench_redis()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
        "DATABASE_URL": database,
        "CACHE_URL": redis.url if redis else "locmemcache://bench",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"http://{HOST}",
        "SECURE_SSL_REDIRECT": "False",
        "DEBUG": "False",
        "MEDIA_ROOT": str(ROOT / ".data" / "bench-media"),
        "LOG_LEVEL": "ERROR",  # 4xx responses under load would flood the terminal
    }
    env.update(extra)
    return env


class BenchRedis:
    """A redis-server of the bench's own on loopback, for the section's lifetime: its CPU and its
    hit counts belong to the bench alone (a shared Redis also serves whoever else uses it)."""

    def __init__(self, executable: str):
        import redis

        self.port = free_port()
        self.url = f"redis://{HOST}:{self.port}/0"
        self.process = subprocess.Popen(
            [
                executable,
                "--bind",
                HOST,
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                self.info()
                break
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server on port {self.port} did not start") from None
                time.sleep(0.05)

    def info(self) -> dict:
        import redis

        with redis.Redis(host=HOST, port=self.port, socket_timeout=2) as client:
            return client.info("stats")

    def hits_and_misses(self) -> tuple[int, int]:
        stats = self.info()
        return stats["keyspace_hits"], stats["keyspace_misses"]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def stop_bench_redis() -> None:
    if bench_redis.cache_info().currsize and (redis := bench_redis()):
        redis.stop()
    bench_redis.cache_clear()


@functools.cache
def bench_redis() -> BenchRedis | None:
    """The section's own Redis, started on first use; None without `redis-server` on PATH
    (the cache is then each worker's local memory, and the tables say so)."""
    executable = shutil.which("redis-server")
    return BenchRedis(executable) if executable else None


def setup_django(env: dict[str, str]) -> None:
    """Django in this process on the section's database (and its tables migrated)."""
    os.environ.update(env)
    ensure_database(env["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def run_section(name: str) -> list[Check]:
    """`tests.bench.<name>.run()`; called in the section's own process by `__main__`."""
    try:
        return importlib.import_module(f"tests.bench.{name}").run()
    finally:
        stop_bench_redis()


def load_average() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def concurrency() -> int:
    return int(os.environ.get("BENCH_CONCURRENCY", 8))


def seconds() -> float:
    return float(os.environ.get("BENCH_SECONDS", 10))


def load_description() -> str:
    return (
        f"load: {concurrency()} keep-alive connections from one asyncio client, {seconds():g} s"
        f" per endpoint; {os.cpu_count()} cores, load average {load_average()}"
    )


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` if it does not exist yet."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def manage(*args: str, env: dict[str, str], capture: bool = False) -> str:
    """Run `manage.py <args>` with the bench environment; raise if it fails."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _proc_stat(pid: int) -> tuple[int, int] | None:
    """Start time and CPU used (user + system) of a process, in clock ticks; None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # after the command name: utime and stime are fields 14 and 15, starttime 22 (man proc)
    return int(fields[19]), int(fields[11]) + int(fields[12])


@dataclass(frozen=True)
class CpuReading:
    at: int  # clock ticks since boot when read
    processes: dict[int, tuple[str, int, int]]  # pid → (role, start time, CPU ticks)


def read_cpu(processes: dict[int, str]) -> CpuReading:
    """A reading of each pid → role (those already gone are left out)."""
    at = int(float(Path("/proc/uptime").read_text().split()[0]) * os.sysconf("SC_CLK_TCK"))
    found = {}
    for pid, role in processes.items():
        stat = _proc_stat(pid)
        if stat:
            found[pid] = (role, *stat)
    return CpuReading(at, found)


@dataclass(frozen=True)
class CpuSpent:
    seconds: dict[str, float]  # role → CPU seconds between the two readings
    uncounted: list[str]  # processes whose CPU in the run could not be counted, and why

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


def cpu_spent(start: CpuReading, end: CpuReading) -> CpuSpent:
    """CPU per role between two readings, process by process: a process in both adds what it
    used in between, one started after `start` adds all it used. A process gone by `end` took
    its CPU in the run with it, and one that was running but not listed at `start` has no
    starting figure: both are named in `uncounted` instead of being miscounted."""
    ticks: Counter[str] = Counter()
    uncounted = []
    for pid, (role, started, cpu) in end.processes.items():
        before = start.processes.get(pid)
        if before and before[1] == started:
            ticks[role] += cpu - before[2]
        elif started >= start.at:
            ticks[role] += cpu
        else:
            uncounted.append(f"{role} pid {pid} (running before the run, not seen at its start)")
    for pid, (role, started, _) in start.processes.items():
        after = end.processes.get(pid)
        if not after or after[1] != started:
            uncounted.append(f"{role} pid {pid} (ended during the run)")
    for role, _, _ in start.processes.values():
        ticks.setdefault(role, 0)
    hz = os.sysconf("SC_CLK_TCK")
    return CpuSpent({role: n / hz for role, n in ticks.items()}, uncounted)


class Server:
    """gunicorn serving `config.wsgi` (or `app`) on 127.0.0.1, as a context manager."""

    def __init__(
        self,
        env: dict[str, str],
        *,
        port: int | None = None,
        workers: int | None = None,
        threads: int | None = None,
        app: str = "config.wsgi:application",
    ):
        self.env = env
        self.app = app
        self.port = port or int(os.environ.get("BENCH_PORT", 0)) or free_port()
        # Sized for 2 cores: 3 processes × 2 threads overlap database waits without
        # thrashing, and gthread workers keep connections alive (sync workers close each one,
        # which on this machine cost two thirds of the floor's rate). BENCH_WORKERS /
        # BENCH_THREADS override.
        self.workers = workers or int(os.environ.get("BENCH_WORKERS", 3))
        self.threads = threads or int(os.environ.get("BENCH_THREADS", 2))
        self.process: subprocess.Popen | None = None
        redis = bench_redis()
        self.redis = redis if redis and env.get("CACHE_URL") == redis.url else None
        self.log = ROOT / ".data" / "bench-gunicorn.log"

    def __enter__(self) -> Server:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        command = [
            PYTHON,
            "-m",
            "gunicorn",
            self.app,
            # Not the production gunicorn.conf.py (access log, worker recycling): the figures
            # are for the settings below only.
            "--config",
            "/dev/null",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "gthread" if self.threads > 1 else "sync",
            "--threads",
            str(self.threads),
            "--keep-alive",
            "30",
            "--backlog",
            "512",
            "--error-logfile",
            str(self.log),
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env)
        # Ready when a worker answers HTTP (the master listens before its workers boot).
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log}")
            try:
                self.get("/bench/floor/")
                break
            except (OSError, asyncio.IncompleteReadError, ValueError):
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not answer within 60 s") from None
                time.sleep(0.2)
        return self

    def processes(self) -> dict[int, str]:
        """pid → role of every process serving this server's requests: gunicorn ("web"), the
        PostgreSQL client backends on its database ("database") and the bench's Redis ("cache")."""
        found = {}
        if self.process:
            found[self.process.pid] = "web"
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            if children.exists():
                found |= {int(pid): "web" for pid in children.read_text().split()}
        url = self.env.get("DATABASE_URL", "")
        if url.startswith("postgres"):
            import psycopg

            with psycopg.connect(url, autocommit=True) as conn:
                found |= {
                    pid: "database"
                    for (pid,) in conn.execute(
                        # client backends only: an autovacuum worker on this database would
                        # count while it runs and vanish before the next reading
                        "SELECT pid FROM pg_stat_activity WHERE datname = %s"
                        " AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
                        [urlsplit(url).path.lstrip("/")],
                    )
                }
        if self.redis:
            found[self.redis.process.pid] = "cache"
        return found

    def cpu_reading(self, since: CpuReading | None = None) -> CpuReading:
        """The CPU each serving process has used so far; given the reading at a run's start, it
        also reads that reading's processes, so that `cpu_spent` can tell which ones are gone."""
        processes = self.processes()
        if since:
            processes = {pid: role for pid, (role, _, _) in since.processes.items()} | processes
        return read_cpu(processes)

    def cache_counts(self) -> tuple[int, int] | None:
        """Hits and misses of the bench's Redis so far; None when the cache is not on it."""
        return self.redis.hits_and_misses() if self.redis else None

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    @property
    def description(self) -> str:
        kind = f"gthread × {self.threads}" if self.threads > 1 else "sync"
        return (
            f"gunicorn, {self.workers} {kind} workers on {HOST}:{self.port};"
            f" cache: {self.cache_description}"
        )

    @property
    def cache_description(self) -> str:
        url = self.env.get("CACHE_URL", "")
        if self.redis:
            return f"the bench's own redis-server (pid {self.redis.process.pid})"
        if url.startswith("locmemcache"):
            return "local memory of each worker (no redis-server found)"
        return url

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """One plain request (for fetching ids before a run)."""
        status, body, _ = asyncio.run(_one(self.port, http_request(self.port, path, headers)))
        return status, body

    def get_json(self, path: str) -> dict:
        status, body = self.get(path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")
        return json.loads(body)


@dataclass
class Result:
    name: str
    expected: frozenset[int] = frozenset({200})  # statuses that are answers, not errors
    requests: int = 0  # answered (any status), after warm-up
    errors: int = 0  # unexpected statuses, and failed connections
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    bytes: int = 0
    client_cpu: float = 0.0  # share of one core the load generator used
    cpu: CpuSpent = field(default_factory=lambda: CpuSpent({}, []))  # serving those answers
    cache: tuple[int, int] | None = None  # hits and misses of the bench's Redis, if it has one

    @property
    def cpu_ms(self) -> float:
        """Server CPU per request (gunicorn + PostgreSQL + Redis), in ms: on a loaded machine a
        steadier figure than the rate; 2 cores could serve at most 2,000 / cpu_ms requests/s."""
        return self.cpu.total / self.requests * 1000 if self.requests else float("nan")

    def cpu_ms_of(self, role: str) -> float:
        return self.cpu.seconds.get(role, 0.0) / self.requests * 1000 if self.requests else 0.0

    @property
    def hit_rate(self) -> str:
        if self.cache is None:
            return "-"
        hits, misses = self.cache
        return f"{hits / (hits + misses):.0%}" if hits + misses else "no reads"

    @property
    def rps(self) -> float:
        """Successful (2xx) answers per second: pages served, orders placed."""
        ok = sum(n for status, n in self.statuses.items() if 200 <= status < 300)
        return ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0] * 1000
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(p) - 1] * 1000


def http_request(
    port: int,
    path: str,
    headers: dict[str, str] | None = None,
    *,
    method: str = "GET",
    body: bytes = b"",
) -> bytes:
    """One HTTP/1.1 request as bytes, ready for `measure(requests=…)` (e.g. a POST with a
    session cookie and CSRF token)."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Accept-Encoding: identity"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body or method not in ("GET", "HEAD"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Status, body and whether the server closes the connection afterwards."""
    status_line = await reader.readuntil(b"\r\n")
    status = int(status_line.split(b" ", 2)[1])
    length, chunked, close = None, False, status_line.startswith(b"HTTP/1.0")
    while True:
        line = await reader.readuntil(b"\r\n")
        if line == b"\r\n":
            break
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value:
            chunked = True
        elif name == b"connection":
            close = value == b"close"
    if chunked:
        body = bytearray()
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            body += await reader.readexactly(size + 2)
            if size == 0:
                break
        return status, bytes(body), close
    if length is None:
        return status, await reader.read(), True
    return status, await reader.readexactly(length), close


async def _one(port: int, request: bytes) -> tuple[int, bytes, bool]:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(request)
        return await _read_response(reader)
    finally:
        writer.close()


class _Run:
    """One measured run, shared by its clients: a warm-up that sends every distinct request once
    (so that "warm" means warm however slow the endpoint) and lasts at least `warmup` s; then,
    with every client's last answer in (nothing in flight), the starting `readings()` and
    `duration` s of recorded load. No warm-up at all when `warmup` is 0. With `once`, no request
    is sent twice (nothing primed; the run ends early when all were sent): every answer is one
    the caches have not seen."""

    def __init__(self, requests, clients, warmup, duration, limit, readings, once):
        self.requests = requests
        self.once = once
        self.unsent = list(range(len(requests) - 1, -1, -1))
        self.unprimed = list(range(len(requests))) if warmup > 0 and not once else []
        self.warmup_end = time.perf_counter() + warmup
        self.duration = duration
        self.limit = limit
        self.readings = readings
        self.arriving = clients
        self.started = asyncio.Event()
        self.before = None
        self.record_from = self.deadline = float("inf")

    @property
    def exhausted(self) -> bool:
        return self.once and not self.unsent

    def warming(self) -> bool:
        return not self.exhausted and (bool(self.unprimed) or time.perf_counter() < self.warmup_end)

    def next_request(self, i: int, recording: bool) -> bytes:
        if self.once:
            return self.requests[self.unsent.pop()]
        if not recording and self.unprimed:
            return self.requests[self.unprimed.pop()]
        return self.requests[i % len(self.requests)]

    async def start_recording(self) -> None:
        self.arriving -= 1
        if self.arriving == 0:
            self.before = await asyncio.to_thread(self.readings)
            self.record_from = time.perf_counter()
            self.deadline = self.record_from + self.duration
            self.started.set()
        await self.started.wait()


async def _client(port: int, run: _Run, offset: int, result: Result) -> None:
    reader = writer = None
    i = offset
    recording = False
    while True:
        if not recording and not run.warming():
            await run.start_recording()
            recording = True
        now = time.perf_counter()
        if recording and (now >= run.deadline or result.requests >= run.limit or run.exhausted):
            break
        request = run.next_request(i, recording)
        i += 1
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(request)
            status, body, close = await _read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            if recording:
                result.errors += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            continue
        end = time.perf_counter()
        if recording:
            result.requests += 1
            result.latencies.append(end - now)
            result.statuses[status] += 1
            result.bytes += len(body)
            if status not in result.expected:
                result.errors += 1
        if close:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


def measure(
    server: Server,
    name: str,
    paths: Sequence[str] = (),
    *,
    requests: Sequence[bytes] = (),
    clients: int | None = None,
    duration: float | None = None,
    warmup: float = 1.0,
    max_requests: int = 200_000,
    headers: dict[str, str] | None = None,
    expected: Sequence[int] = (200,),
    once: bool = False,
) -> Result:
    """Closed-loop load: `clients` keep-alive connections cycling through GET `paths` (or
    prepared `requests`, see `http_request`) for `duration` s after a warm-up (not recorded) of
    every distinct request once and at least `warmup` s, stopping early after `max_requests`
    recorded answers. A status not in `expected` is an error. `once`: no request twice and
    nothing primed (give more requests than the run can send), for the cost of answers that no
    cache holds yet."""
    clients = clients or concurrency()
    duration = duration or seconds()
    requests = [*requests, *(http_request(server.port, p, headers) for p in paths)]
    if not requests:
        raise ValueError("Give paths or requests to measure.")
    result = Result(name, frozenset(expected))

    def counters() -> tuple[CpuReading, tuple[int, int] | None]:
        return server.cpu_reading(), server.cache_counts()

    async def run() -> tuple[CpuReading, tuple[int, int] | None]:
        cpu_start = time.process_time()
        start = time.perf_counter()
        # CPU and cache counts from the end of the warm-up (connections opened, templates
        # loaded, caches filled) to the last answer, per answer recorded in between: the
        # steady cost, with no request half inside the window.
        phases = _Run(requests, clients, warmup, duration, max_requests, counters, once)
        await asyncio.gather(
            *(_client(server.port, phases, k * 7919, result) for k in range(clients))
        )
        result.seconds = min(time.perf_counter(), phases.deadline) - phases.record_from
        result.client_cpu = (time.process_time() - cpu_start) / (time.perf_counter() - start)
        return phases.before

    cpu_before, cache_before = asyncio.run(run())
    result.cpu = cpu_spent(cpu_before, server.cpu_reading(since=cpu_before))
    cache_after = server.cache_counts()
    if cache_before and cache_after:
        result.cache = (cache_after[0] - cache_before[0], cache_after[1] - cache_before[1])
    return result


@dataclass(frozen=True)
class Target:
    """What a measured endpoint must reach; `rps` counts successful answers only."""

    min_rps: float | None = None
    max_p50_ms: float | None = None
    max_p95_ms: float | None = None

    def describe(self) -> str:
        parts = []
        if self.max_p50_ms is not None:
            parts.append(f"p50 < {self.max_p50_ms:g} ms")
        if self.max_p95_ms is not None:
            parts.append(f"p95 < {self.max_p95_ms:g} ms")
        if self.min_rps is not None:
            parts.append(f"≥ {self.min_rps:,.0f}/s")
        return ", ".join(parts)

    def met(self, result: Result) -> bool:
        return (
            (self.min_rps is None or result.rps >= self.min_rps)
            and (self.max_p50_ms is None or result.percentile(50) < self.max_p50_ms)
            and (self.max_p95_ms is None or result.percentile(95) < self.max_p95_ms)
        )


@dataclass(frozen=True)
class Check:
    """One figure next to its target: `passed` None when the figure has no target.
    `correctness` marks checks whose failure is a bug (make bench then exits non-zero),
    not a missed speed target."""

    name: str
    figure: str
    target: str = ""
    passed: bool | None = None
    correctness: bool = False

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "MISS", None: ""}[self.passed]


def checks(
    results: Sequence[Result], targets: dict[str, Target], floor: str | None = None
) -> list[Check]:
    """A check per measured endpoint (its figures, with its share of the floor's rate, against
    its target, if any), one that no request failed and one that every serving process's CPU
    was counted."""
    floor_rps = next((r.rps for r in results if r.name == floor), None)
    found = []
    for r in results:
        target = targets.get(r.name)
        share = f" ({r.rps / floor_rps:.0%} of floor)" if floor_rps and r.name != floor else ""
        found.append(
            Check(
                r.name,
                f"{r.rps:,.0f}/s{share}, p50 {r.percentile(50):.1f} ms,"
                f" p95 {r.percentile(95):.1f} ms, {r.cpu_ms:.2f} ms CPU",
                target.describe() if target else "",
                target.met(r) if target else None,
            )
        )
        if r.errors:
            found.append(Check(f"{r.name}: errors", f"{r.errors}", "0", False, correctness=True))
        if r.cpu.uncounted:
            found.append(
                Check(f"{r.name}: CPU not counted", "; ".join(r.cpu.uncounted), "none", False)
            )
    return found


def table(results: Sequence[Result], targets: dict[str, Target], floor: str | None = None) -> str:
    """A plain-text table of the figures, with each result's share of the floor's rate."""
    floor_rps = next((r.rps for r in results if r.name == floor), None)
    width = max(len(r.name) for r in results) + 2
    header = (
        f"{'endpoint':<{width}}{'ok/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'of floor':>9}"
        f"{'errors':>7}{'client cpu':>11}{'cpu ms/req':>11}{'web+db+cache':>19}{'cache hits':>11}"
        "  target"
    )
    lines = [header, "-" * (len(header) + 30)]
    for r in results:
        target = targets.get(r.name)
        verdict = f"{target.describe()}: {'PASS' if target.met(r) else 'MISS'}" if target else ""
        share = f"{r.rps / floor_rps:.0%}" if floor_rps else ""
        parts = "+".join(f"{r.cpu_ms_of(role):.2f}" for role in ("web", "database", "cache"))
        lines.append(
            f"{r.name:<{width}}{r.rps:>8,.0f}{r.percentile(50):>8.1f}{r.percentile(95):>8.1f}"
            f"{share:>9}{r.errors:>7}{r.client_cpu:>11.0%}{r.cpu_ms:>11.2f}{parts:>19}"
            f"{r.hit_rate:>11}  {verdict}"
        )
    for r in results:
        if set(r.statuses) - {200}:
            lines.append(f"{r.name}: statuses {dict(sorted(r.statuses.items()))}")
        if r.cpu.uncounted:
            lines.append(
                f"{r.name}: CPU NOT COUNTED for {'; '.join(r.cpu.uncounted)}: its cpu ms/req is"
                " too low"
            )
    lines.append(
        "cpu ms/req: CPU per request of gunicorn (web), the PostgreSQL backends (db) and the"
        " bench's redis-server (cache), counted process by process (steady however loaded the"
        " machine is); 2 cores give at most 2,000 / that requests per second. cache hits: of"
        " the cache reads during the run (- when the cache is not the bench's Redis)."
    )
    return "\n".join(lines)


def summary(results: dict[str, list[Check]]) -> str:
    """Every figure of every section next to its target, with PASS/MISS."""
    width = max((len(c.name) for cs in results.values() for c in cs), default=10) + 2
    lines = []
    for section, found in results.items():
        lines.append(f"[{section}]")
        for c in found:
            target = f"target {c.target}" if c.target else ""
            lines.append(f"  {c.name:<{width}}{c.figure:<72}{target:<30}{c.verdict}")
    return "\n".join(lines)
