"""Sending: language, content, inline QR code, exactly once, retries, visible failures."""

import dataclasses
import datetime as dt
import io
import time
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from django.contrib.admin.sites import site
from django.core import mail
from django.utils import timezone
from PIL import Image

from core.qr import qr_png
from notifications import kinds
from notifications.channels import message_id
from notifications.errors import TransientDeliveryError
from notifications.models import Notification, NotificationStatus
from notifications.services import notification_deliver, notifications_retry
from notifications.tasks import requeue_stale_notifications, retry_countdown, send_notification
from shop.orders.models import OrderStatus
from shop.orders.notifications import QR_CID
from shop.orders.tasks import order_placed_followups_queue

from .broker import SilentBroker, closed_port, eager_tasks, use_broker
from .conftest import place
from .helpers import deliver

pytestmark = pytest.mark.django_db


def parsed(message):
    return message_from_bytes(message.message().as_bytes(), policy=default_policy)


def test_confirmation_in_german_with_items_store_hours_and_amount(store, jacket, socks):
    order = place(store, [(jacket, 2), (socks, 1)], language="de")
    [row] = deliver(kind="order_placed", channel="email")

    assert row.status == NotificationStatus.SENT
    assert row.attempts == 1 and row.sent_at and row.last_error == ""
    [message] = mail.outbox
    assert message.to == [order.email]
    assert message.subject == row.title
    assert order.number in message.subject and store.name in message.subject
    assert message.extra_headers["Content-Language"] == "de"
    text = message.body
    assert "Regenjacke Nordkap" in text and "Wandersocken" in text
    assert "99,80\u00a0€" in text  # 2 × 49,90, German number format (no-break space)
    # VAT per line: 99,80 → 15,93 (15,934…) and 5,00 → 0,80 (0,798…); together 16,73
    assert "inkl. 19\u00a0% MwSt. (16,73\u00a0€)" in text
    assert "104,80\u00a0€" in text  # amount due
    assert "Hauptstraße 1, 10115 Berlin" in text
    assert "09:00–20:00" in text
    today = timezone.localdate().strftime("%A")
    german_day = {
        "Monday": "Montag",
        "Tuesday": "Dienstag",
        "Wednesday": "Mittwoch",
        "Thursday": "Donnerstag",
        "Friday": "Freitag",
        "Saturday": "Samstag",
        "Sunday": "Sonntag",
    }[today]
    assert german_day in text
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "<strong>" + order.number + "</strong>" in html
    assert "104,80\u00a0€" in html
    assert "inkl. 19\u00a0% MwSt. (16,73\u00a0€)" in html


def test_confirmation_in_english_when_ordered_in_english(store, jacket):
    order = place(store, [(jacket, 1)], language="en")
    deliver(kind="order_placed", channel="email")
    [message] = mail.outbox
    assert message.subject == f"Your order {order.number} is reserved at {store.name}"
    assert "thank you for your order" in message.body
    assert "€49.90" in message.body
    assert "incl. 19% VAT (€7.97)" in message.body  # 49.90 − 49.90 / 1.19 = 7.9672…
    assert message.extra_headers["Content-Language"] == "en"


def test_ready_mail_shows_the_pickup_code_and_its_qr_code_inline(store, jacket):
    order = place(store, [(jacket, 1)], status=OrderStatus.READY, language="en")
    deliver(kind="order_ready", channel="email")
    [message] = mail.outbox
    code = f"{order.pickup_code[:4]} {order.pickup_code[4:]}"
    assert code in message.body

    mime = parsed(message)
    assert mime.get_content_type() == "multipart/related"
    alternative, image = mime.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    html = alternative.get_payload()[1].get_content()
    assert f'src="cid:{QR_CID}"' in html and code in html
    assert image.get_content_type() == "image/png"
    assert image["Content-ID"] == f"<{QR_CID}>"
    assert image.get_content_disposition() == "inline"
    assert image.get_content() == qr_png(order.pickup_code)
    # A full QR code (21+ modules and the border, 8 px each), not a Micro QR phones cannot read.
    assert Image.open(io.BytesIO(image.get_content())).size[0] >= (21 + 4) * 8


def test_in_app_message_is_stored_with_its_text(store, jacket):
    order = place(store, [(jacket, 1)], language="en")
    [row] = deliver(kind="order_placed", channel="in_app")
    assert row.status == NotificationStatus.SENT
    assert row.title == f"Your order {order.number} is reserved at {store.name}"
    assert f"Your order {order.number} is reserved at {store.name}" in row.body
    assert "€49.90" in row.body
    assert not mail.outbox


def test_staff_message_and_store_mailbox(store, associate, jacket):
    order = place(store, [(jacket, 1)])
    [staff_row] = deliver(kind="order_received", channel="in_app")
    assert staff_row.recipient == associate
    assert staff_row.body == f"New pickup order {order.number} for {store.name}: 1 line."
    deliver(kind="order_received", channel="email")
    [message] = mail.outbox
    assert message.to == ["filiale@omnishop.example"]
    assert order.phone in message.body


def test_running_the_task_again_sends_nothing(store, jacket):
    place(store, [(jacket, 1)])
    [row] = deliver(kind="order_placed", channel="email")
    sent_at = row.sent_at
    send_notification.apply((row.pk,))
    assert notification_deliver(notification_id=row.pk) is None
    row.refresh_from_db()
    assert len(mail.outbox) == 1
    assert (row.attempts, row.sent_at) == (1, sent_at)


def test_mail_server_saying_try_later_is_retried_then_failure_is_visible(
    store, jacket, smtp_settings
):
    smtp_settings.handler.refuse_with = "451 4.3.0 Mailbox busy, try again later"
    place(store, [(jacket, 1)])
    [row] = deliver(kind="order_placed", channel="email")

    assert smtp_settings.handler.attempts == 6  # the first try and 5 retries
    assert row.status == NotificationStatus.FAILED
    assert row.attempts == 6
    assert "451" in row.last_error and "Mailbox busy" in row.last_error
    assert row.sent_at is None

    # The admin lists it and retries it once the server accepts mail again.
    smtp_settings.handler.refuse_with = None
    assert notifications_retry(notification_ids=[row.pk]) == 1
    assert deliver(pk=row.pk)[0].status == NotificationStatus.SENT
    assert len(smtp_settings.messages) == 1
    assert smtp_settings.messages[0]["To"] == row.recipient_email


def test_rejected_address_fails_at_once(store, jacket, smtp_settings):
    smtp_settings.handler.refuse_with = "550 5.1.1 No such mailbox"
    place(store, [(jacket, 1)])
    [row] = deliver(kind="order_placed", channel="email")
    assert (row.status, row.attempts) == (NotificationStatus.FAILED, 1)
    assert "550" in row.last_error


def test_unreachable_mail_server_is_a_reason_to_retry(store, jacket, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    place(store, [(jacket, 1)])
    row = Notification.objects.get(kind="order_placed", channel="email")
    with pytest.raises(TransientDeliveryError, match="Mail server unreachable"):
        notification_deliver(notification_id=row.pk, final_attempt=False)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.PENDING, 1)
    assert "Connection refused" in row.last_error


def test_broken_template_marks_failed_with_the_reason(store, jacket, settings, tmp_path):
    broken = tmp_path / "notifications" / "email"
    broken.mkdir(parents=True)
    (broken / "order_placed.html").write_text("{% if %}oops")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    place(store, [(jacket, 1)])

    [row] = deliver(kind="order_placed", channel="email")
    assert (row.status, row.attempts) == (NotificationStatus.FAILED, 1)  # not retried
    assert row.last_error.startswith("Template error:")
    assert not mail.outbox
    # The in-app message of the same order is unaffected.
    assert deliver(kind="order_placed", channel="in_app")[0].status == NotificationStatus.SENT


def test_missing_template_marks_failed_with_the_reason(store, jacket, monkeypatch):
    place(store, [(jacket, 1)])
    kind = kinds.KINDS["order_placed"]
    monkeypatch.setitem(kinds.KINDS, "order_placed", dataclasses.replace(kind, code="no_such"))
    [row] = deliver(kind="order_placed", channel="in_app")
    assert row.status == NotificationStatus.FAILED
    assert row.last_error == "Template missing: notifications/in_app/no_such.txt"


def test_sweep_requeues_stale_pending_notifications_only(store, jacket):
    old = place(store, [(jacket, 1)])
    Notification.objects.filter(subject_id=str(old.pk)).update(
        created_at=timezone.now() - dt.timedelta(minutes=11)
    )
    fresh = place(store, [(jacket, 1)])

    with eager_tasks():
        requeue_stale_notifications.delay()
        requeue_stale_notifications.delay()

    statuses = dict(Notification.objects.values_list("subject_id", "status").distinct())
    assert statuses == {str(old.pk): "sent", str(fresh.pk): "pending"}
    assert len(mail.outbox) == 2  # shopper and store mailbox, once each


def test_admin_lists_failed_notifications_and_retries_them(
    admin_client, store, jacket, django_capture_on_commit_callbacks
):
    place(store, [(jacket, 1)])
    failed = Notification.objects.get(kind="order_placed", channel="email")
    failed.status, failed.last_error = NotificationStatus.FAILED, "451 try later"
    failed.save()
    url = "/admin/notifications/notification/"

    page = admin_client.get(url, {"status__exact": "failed", "q": failed.recipient_email})
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [failed]
    assert admin_client.get(f"{url}{failed.pk}/change/").status_code == 200

    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, {"action": "retry", "_selected_action": [failed.pk]}, follow=True)
    failed.refresh_from_db()
    assert failed.status == NotificationStatus.SENT
    assert len(mail.outbox) == 1
    assert site.index_template == "notifications/admin/index.html"


def test_broker_down_never_fails_the_order_and_leaves_it_pending(
    store, jacket, django_capture_on_commit_callbacks, caplog
):
    started = time.monotonic()
    with (
        use_broker(f"redis://127.0.0.1:{closed_port()}/0"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        order = place(store, [(jacket, 1)])
    assert time.monotonic() - started < 5
    # one message on commit for the shopper's and store's notifications
    assert [getattr(c, "func", None) for c in callbacks].count(order_placed_followups_queue) == 1
    assert order.pk and order.status == OrderStatus.PLACED
    assert Notification.objects.count() == 3
    assert set(Notification.objects.values_list("status", flat=True)) == {"pending"}
    assert (
        "Broker unreachable, 3 notification(s) and 0 webhook delivery(ies) stay pending for the "
        "sweep" in caplog.text
    )


def test_send_of_unknown_fate_is_decided_by_the_sweep_not_by_a_redelivery(store, jacket):
    """A row left "sending" (the worker died after the mail server may have taken it): a task
    for it sends nothing; the sweep, once the send is old enough, sends it again with the same
    Message-ID, and marks it failed for review when no attempts are left."""
    place(store, [(jacket, 1)])
    place(store, [(jacket, 1)])
    first, second = Notification.objects.filter(kind="order_placed", channel="email")
    long_ago = timezone.now() - dt.timedelta(minutes=11)
    Notification.objects.filter(pk=first.pk).update(
        status=NotificationStatus.SENDING, attempts=1, last_attempt_at=long_ago
    )
    Notification.objects.filter(pk=second.pk).update(
        status=NotificationStatus.SENDING, attempts=6, last_attempt_at=long_ago
    )
    just_now = Notification.objects.get(kind="order_received", subject_id=first.subject_id)
    Notification.objects.filter(pk=just_now.pk).update(
        status=NotificationStatus.SENDING, attempts=1, last_attempt_at=timezone.now()
    )

    assert send_notification.apply((first.pk,)).result is None  # a redelivery: skipped
    assert not mail.outbox
    with eager_tasks():
        requeue_stale_notifications.delay()

    first.refresh_from_db(), second.refresh_from_db(), just_now.refresh_from_db()
    assert (first.status, first.attempts) == (NotificationStatus.SENT, 2)
    assert second.status == NotificationStatus.FAILED
    assert "No attempts left" in second.last_error
    assert just_now.status == NotificationStatus.SENDING  # may still be on its way: wait
    sent = [m for m in mail.outbox if m.to == [first.recipient_email]]
    assert len(sent) == 1
    assert parsed(sent[0])["Message-ID"].strip() == message_id(first)


def test_every_attempt_at_one_e_mail_has_the_same_message_id(store, jacket, smtp_settings):
    place(store, [(jacket, 1)])
    row = Notification.objects.get(kind="order_placed", channel="email")
    smtp_settings.handler.refuse_with = "451 4.3.0 Try again later"
    with pytest.raises(TransientDeliveryError):
        notification_deliver(notification_id=row.pk, final_attempt=False)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.PENDING, 1)
    smtp_settings.handler.refuse_with = None
    assert notification_deliver(notification_id=row.pk) == NotificationStatus.SENT
    assert notification_deliver(notification_id=row.pk) is None
    [message] = smtp_settings.messages
    assert (
        message["Message-ID"].strip()
        == message_id(row)
        == (f"<notification-{row.public_id}@omnishop.example>")
    )


def test_hung_broker_does_not_slow_checkout(
    store, jacket, django_capture_on_commit_callbacks, caplog, settings
):
    """A broker that accepts the connection and never answers: the order is placed, its one
    message is published on commit with one attempt (no retries) under the short publish
    timeout, and the notifications stay pending for the sweep."""
    assert settings.NOTIFICATIONS_PUBLISH_TIMEOUT <= 0.5
    with SilentBroker() as broker:
        started = time.monotonic()
        with (
            use_broker(broker.url),
            django_capture_on_commit_callbacks(execute=True) as callbacks,
        ):
            order = place(store, [(jacket, 1)])
        elapsed = time.monotonic() - started
        connections = broker.connections
    # one message on commit for the shopper's and store's notifications
    assert [getattr(c, "func", None) for c in callbacks].count(order_placed_followups_queue) == 1
    assert order.status == OrderStatus.PLACED
    # One connection for the one on-commit publish, no retry; before, each waited 2 × 3 s.
    assert connections <= 1
    assert elapsed < 1.5, f"placing the order waited {elapsed:.1f}s for a silent broker"
    assert set(Notification.objects.values_list("status", flat=True)) == {"pending"}
    assert "Broker unreachable" in caplog.text


def test_messages_link_to_the_order_page(store, associate, jacket, settings):
    settings.SITE_URL = "https://shop.example/"
    order = place(store, [(jacket, 1)])
    deliver()
    shopper_mail = next(m for m in mail.outbox if m.to == [order.email])
    assert f"https://shop.example/orders/{order.public_id}/" in shopper_mail.body
    assert (
        f'href="https://shop.example/orders/{order.public_id}/"' in shopper_mail.alternatives[0][0]
    )
    in_app = Notification.objects.get(kind="order_placed", channel="in_app")
    assert in_app.link == f"/orders/{order.public_id}/"
    staff = Notification.objects.get(kind="order_received", recipient=associate)
    assert staff.link == f"/admin/orders/order/{order.pk}/change/"


def test_retry_waits_stay_below_the_sweeps_staleness(settings):
    waits = [retry_countdown(n) for n in range(settings.NOTIFICATIONS_MAX_RETRIES)]
    assert waits == [30, 60, 120, 240, 480]
    assert max(waits) < settings.NOTIFICATIONS_STALE_AFTER_MINUTES * 60
