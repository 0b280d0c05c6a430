"""The data export through a real Celery worker on Redis and PostgreSQL: the request on the
account page queues the build, the worker builds it and the owner gets the link by e-mail."""

import json

import pytest
from django.urls import reverse

from customers.models import DataExport
from notifications.models import Notification, NotificationStatus
from tests.notifications.test_worker import DELIVERY_TIMEOUT, _wait_for, mail_and_worker  # noqa: F401

from .conftest import EMAIL

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_worker_builds_the_export_and_mails_the_link(mail_and_worker, client, person, history):  # noqa: F811
    smtp = mail_and_worker
    smtp.messages.clear()
    client.force_login(person)
    assert client.post(reverse("customers:export_request")).status_code == 302
    export = DataExport.objects.get(user=person)

    def delivered():
        export.refresh_from_db()
        rows = Notification.objects.filter(kind="data_export_ready", recipient=person)
        return (
            export.status == "ready"
            and rows.exists()
            and all(n.status == NotificationStatus.SENT for n in rows)
        )

    _wait_for(delivered, DELIVERY_TIMEOUT, "the export and its notification")
    assert json.loads(export.content)["account"]["email"] == EMAIL
    [message] = [m for m in smtp.messages if m["Subject"] == "Ihre Datenauskunft ist bereit"]
    assert message["To"] == EMAIL
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = text[text.index("/account/export/") :].split()[0]
    response = client.get(link)
    assert response.status_code == 200
    assert json.loads(response.content)["orders"]
