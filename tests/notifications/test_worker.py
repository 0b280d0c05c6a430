"""A real Celery worker on Redis, a real SMTP server, PostgreSQL: nothing lost, nothing doubled.

The worker runs as a separate process against pytest's test database (which is why these
tests need PostgreSQL: a second process cannot see SQLite's in-memory test database) and
sends mail to an aiosmtpd server started here. The test process publishes to the same Redis
database. The worker is stopped at the end of the module, also when a test fails.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from notifications.channels import message_id
from notifications.models import Notification, NotificationStatus
from notifications.services import notifications_requeue_stale
from notifications.tasks import send_notification
from tests import factories
from tests.components import require_postgres, require_redis

from .broker import closed_port, use_broker
from .conftest import place
from .smtp import SmtpServer

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

BROKER = os.environ.get("NOTIFICATIONS_TEST_BROKER_URL", "redis://127.0.0.1:6379/8")
WORKER_START_TIMEOUT = 30
DELIVERY_TIMEOUT = 20


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """One `celery worker --pool=solo` process for the test database, startable again after it
    was killed."""

    def __init__(self, env: dict[str, str], log: Path):
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as out:
            out.write("\n--- worker starting ---\n")
            out.flush()
            start_mark = self.log.stat().st_size
            self.process = subprocess.Popen(
                [
                    *(sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"),
                    *("--loglevel=info", "--without-gossip", "--without-mingle"),
                    "--without-heartbeat",
                ],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        _wait_for(
            lambda: (
                "ready." in self.log.read_text()[start_mark:] or self.process.poll() is not None
            ),
            WORKER_START_TIMEOUT,
            "the worker to start",
        )
        assert self.process.poll() is None, self.log.read_text()

    def kill(self) -> None:
        """SIGKILL: no cleanup, no acknowledgement, no database commit; as a crash or OOM kill."""
        os.kill(self.process.pid, signal.SIGKILL)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGQUIT)  # cold shutdown: every test is done with it
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def mail_and_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        require_postgres()
    require_redis()
    redis.Redis.from_url(BROKER).flushdb()  # no leftovers from an earlier run
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    log.touch()
    with SmtpServer() as smtp, use_broker(BROKER):
        worker = Worker(
            {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "config.settings.base",
                "DATABASE_URL": _database_url(),
                "CONN_MAX_AGE": "0",
                "CELERY_BROKER_URL": BROKER,
                "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
                "CACHE_URL": "locmemcache://worker",
            },
            log,
        )
        smtp.worker = worker
        try:
            worker.start()
            yield smtp
        finally:
            worker.stop()
            print(log.read_text()[-3000:])  # shown by pytest when a test failed


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.1)


def _statuses(order) -> set[str]:
    return set(
        Notification.objects.filter(subject_id=str(order.pk)).values_list("status", flat=True)
    )


def test_worker_sends_the_confirmation_through_smtp(mail_and_worker, store, jacket):
    smtp = mail_and_worker
    smtp.messages.clear()
    shopper = factories.UserFactory(email="jane@example.com", first_name="Jane", language="de")

    order = place(store, [(jacket, 2)], customer=shopper, language="en")

    _wait_for(lambda: _statuses(order) == {NotificationStatus.SENT}, DELIVERY_TIMEOUT, "delivery")
    by_recipient = {message["To"]: message for message in smtp.messages}
    assert set(by_recipient) == {"jane@example.com", store.email}
    confirmation = by_recipient["jane@example.com"]
    assert confirmation["Subject"] == f"Your order {order.number} is reserved at {store.name}"
    assert confirmation["Content-Language"] == "en"
    text = confirmation.get_body(preferencelist=("plain",)).get_content()
    assert "Hello Jane," in text
    assert "2 × Regenjacke Nordkap" in text and "€99.80" in text
    assert "Hauptstraße 1, 10115 Berlin" in text
    html = confirmation.get_body(preferencelist=("html",)).get_content()
    assert f"<strong>{order.number}</strong>" in html
    # The store's mailbox gets the staff message, in the shop's default language.
    assert by_recipient[store.email]["Content-Language"] == "de"


def test_order_placed_while_broker_is_down_is_notified_once_it_is_back(
    mail_and_worker, store, jacket
):
    smtp = mail_and_worker
    smtp.messages.clear()

    with use_broker(f"redis://127.0.0.1:{closed_port()}/0"):
        started = time.monotonic()
        order = place(store, [(jacket, 1)], language="de")
        elapsed = time.monotonic() - started

    assert elapsed < 5, f"placing the order waited {elapsed:.1f}s for the broker"
    order.refresh_from_db()
    assert order.status == "placed"
    time.sleep(1)  # nothing can reach the worker
    assert _statuses(order) == {NotificationStatus.PENDING}
    assert smtp.messages == []

    # The broker is back (this process publishes to the worker's Redis again); the sweep runs.
    assert notifications_requeue_stale(older_than=dt.timedelta(0)) == 3
    _wait_for(lambda: _statuses(order) == {NotificationStatus.SENT}, DELIVERY_TIMEOUT, "delivery")
    # A second sweep and a duplicate task change nothing.
    assert notifications_requeue_stale(older_than=dt.timedelta(0)) == 0
    send_notification.delay(Notification.objects.filter(subject_id=str(order.pk)).first().pk)
    time.sleep(1.5)
    assert sorted(message["To"] for message in smtp.messages) == sorted([order.email, store.email])
    assert Notification.objects.filter(subject_id=str(order.pk), attempts=1).count() == 3


def test_worker_killed_after_the_mail_server_accepted_sends_one_visible_message(
    mail_and_worker, store, jacket
):
    """The mail server has the message, the worker dies before it records that. A redelivered
    task must not send it again; the sweep decides: it sends once more with the same Message-ID
    (which receiving mail systems drop as a duplicate), and the outbox shows one sent row."""
    smtp, worker = mail_and_worker, mail_and_worker.worker
    smtp.messages.clear()
    shopper = factories.UserFactory(email="kill@example.com", language="de")

    def kill_on_first_confirmation(message):
        if message["To"] == shopper.email and smtp.handler.on_accept is not None:
            smtp.handler.on_accept = None
            worker.kill()

    smtp.handler.on_accept = kill_on_first_confirmation
    try:
        order = place(store, [(jacket, 1)], customer=shopper)
        _wait_for(lambda: worker.process.poll() is not None, DELIVERY_TIMEOUT, "the kill")
    finally:
        smtp.handler.on_accept = None
    row = Notification.objects.get(subject_id=str(order.pk), kind="order_placed", channel="email")
    [first] = [m for m in smtp.messages if m["To"] == shopper.email]
    assert first["Message-ID"].strip() == message_id(row)
    # The outbox knows the send was started and not finished.
    assert (row.status, row.attempts) == (NotificationStatus.SENDING, 1)

    worker.start()
    others = Notification.objects.filter(subject_id=str(order.pk)).exclude(pk=row.pk)
    _wait_for(
        lambda: set(others.values_list("status", flat=True)) == {NotificationStatus.SENT},
        DELIVERY_TIMEOUT,
        "the other notifications",
    )
    # A redelivery of the killed task (as the broker does once its visibility timeout is over)
    # changes nothing: the row is not pending, its fate is for the sweep to decide.
    send_notification.delay(row.pk)
    time.sleep(1.5)
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENDING
    assert len([m for m in smtp.messages if m["To"] == shopper.email]) == 1

    # The sweep sends it again, with the same Message-ID, once.
    assert (
        notifications_requeue_stale(older_than=dt.timedelta(0), unknown_after=dt.timedelta(0)) == 1
    )
    _wait_for(lambda: _statuses(order) == {NotificationStatus.SENT}, DELIVERY_TIMEOUT, "delivery")
    assert (
        notifications_requeue_stale(older_than=dt.timedelta(0), unknown_after=dt.timedelta(0)) == 0
    )
    time.sleep(1)
    copies = [m for m in smtp.messages if m["To"] == shopper.email]
    assert [m["Message-ID"].strip() for m in copies] == [message_id(row)] * 2
    assert len({m["Message-ID"].strip() for m in smtp.messages}) == len(smtp.messages) - 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.SENT, 2)
    assert (
        Notification.objects.filter(
            subject_id=str(order.pk), kind="order_placed", channel="email", status="sent"
        ).count()
        == 1
    )
