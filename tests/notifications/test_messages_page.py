"""The shopper's messages page, the unread count in the header, and the staff's admin index."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.utils import timezone

from notifications.models import Notification, NotificationStatus
from tests import factories

from .conftest import place
from .helpers import deliver

pytestmark = pytest.mark.django_db

INBOX = "/messages/"


def message(user, n=0, **fields) -> Notification:
    store = factories.StoreFactory.build(pk=10_000 + n)  # any object will do as the subject
    defaults = {
        "kind": "order_placed",
        "channel": "in_app",
        "recipient": user,
        "recipient_email": user.email,
        "language": "en",
        "status": NotificationStatus.SENT,
        "title": f"Message {n}",
        "body": f"Text of message {n}",
        "sent_at": timezone.now(),
    }
    return Notification.objects.create(
        subject_type=ContentType.objects.get_for_model(store),
        subject_id=str(store.pk),
        **{**defaults, **fields},
    )


@pytest.fixture
def inbox(shopper):
    other = factories.UserFactory()
    return {
        "read": message(shopper, 1, read_at=timezone.now()),
        "unread": message(shopper, 2, link="/stores/"),
        "pending": message(shopper, 3, status=NotificationStatus.PENDING),
        "email": message(shopper, 4, channel="email"),
        "other": message(other, 5),
    }


def test_lists_own_delivered_messages_with_unread_count(client, shopper, inbox):
    client.force_login(shopper)
    page = client.get(INBOX)
    assert page.status_code == 200
    assert [m.title for m in page.context["page_obj"].object_list] == ["Message 2", "Message 1"]
    html = page.content.decode()
    assert "Message 5" not in html and "Message 3" not in html
    assert 'data-testid="unread-count"' in html
    assert page.context["unread"] == 1


def test_opening_a_message_marks_it_read_and_goes_to_its_page(client, shopper, inbox):
    client.force_login(shopper)
    response = client.post(f"{INBOX}{inbox['unread'].public_id}/open/")
    assert response.status_code == 302 and response["Location"] == "/stores/"
    inbox["unread"].refresh_from_db()
    assert inbox["unread"].read_at is not None
    assert 'data-testid="unread-count"' not in client.get(INBOX).content.decode()


def test_another_users_message_is_a_404_and_stays_unread(client, shopper, inbox):
    client.force_login(shopper)
    assert client.post(f"{INBOX}{inbox['other'].public_id}/open/").status_code == 404
    assert client.get(f"{INBOX}{inbox['unread'].public_id}/open/").status_code == 405
    inbox["other"].refresh_from_db()
    assert inbox["other"].read_at is None


def test_mark_all_read(client, shopper, inbox):
    client.force_login(shopper)
    assert client.post(f"{INBOX}read/").status_code == 302
    assert not Notification.objects.inbox(shopper).unread().exists()
    inbox["other"].refresh_from_db()
    assert inbox["other"].read_at is None


def test_anonymous_is_sent_to_login(client):
    assert client.get(INBOX)["Location"].startswith("/accounts/login/")


def test_header_counts_cost_one_query(rf, shopper, inbox, django_assert_num_queries):
    """Unread messages and cart units are read together, in one query per page."""
    from config.context_processors import header

    request = rf.get("/")
    request.user, request.session = shopper, {}
    with django_assert_num_queries(1):
        html = render_to_string(
            "notifications/includes/header_link.html", {"user": shopper, **header(request)}
        )
    assert ">1</span>" in html
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        anonymous = {"user": request.user, **header(request)}
        assert render_to_string("notifications/includes/header_link.html", anonymous).strip() == ""


def test_inbox_queries_do_not_grow_with_messages(client, shopper, django_assert_max_num_queries):
    client.force_login(shopper)
    for n in range(30):
        message(shopper, n)
    with django_assert_max_num_queries(8):
        page = client.get(INBOX)
    assert len(page.context["page_obj"].object_list) == 20
    assert "Page 1 of 2" in page.content.decode()


def test_new_order_shows_on_the_staff_admin_index(client, store, associate, jacket):
    order = place(store, [(jacket, 1)])
    deliver(kind="order_received", channel="in_app")
    client.force_login(associate)
    page = client.get("/admin/")
    assert page.status_code == 200
    assert f"New pickup order {order.number} for {store.name}" in page.content.decode()
    # The outbox itself is for superusers only.
    assert client.get("/admin/notifications/notification/").status_code == 403
