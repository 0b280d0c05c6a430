"""The recommendation survey: asked once after a collection, answered once by a signed link."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from insight.errors import NpsAlreadyAnswered, NpsError
from insight.models import NpsSurvey
from insight.selectors import Period, nps
from insight.services import nps_answer, nps_survey_for_token, nps_survey_open, nps_token
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def collected(store, shopper, tiers):
    variant = factories.stocked_variant(store, "20.00", units=5)
    return factories.collected_order(store, [(variant, 1)], customer=shopper)


def test_collection_asks_once_by_mail_and_in_app(collected, shopper):
    survey = NpsSurvey.objects.get(order=collected)
    assert (survey.store_id, survey.customer, survey.score) == (collected.store_id, shopper, None)
    kinds = Notification.objects.filter(kind="nps_survey")
    assert kinds.count() == 2  # e-mail and in-app
    assert nps_survey_open(order=collected) == survey  # asked once
    assert Notification.objects.filter(kind="nps_survey").count() == 2


def test_email_has_eleven_signed_links(collected, mailoutbox):
    from notifications.services import notification_deliver

    survey = NpsSurvey.objects.get(order=collected)
    email = Notification.objects.get(kind="nps_survey", channel="email")
    notification_deliver(notification_id=email.pk)
    (message,) = [m for m in mailoutbox if collected.number in m.subject]
    html = message.alternatives[0][0]
    for text in (html, message.body):
        links = re.findall(r"/insight/nps/([^/\s\"]+)/\?score=(\d+)", text)
        assert [int(score) for _token, score in links] == list(range(11))
        assert {nps_survey_for_token(token) for token, _score in links} == {survey}


def test_answer_by_link_once(client, collected):
    survey = NpsSurvey.objects.get(order=collected)
    url = f"/insight/nps/{nps_token(survey)}/"
    page = client.get(url + "?score=9")
    assert page.status_code == 200
    assert re.search(r'value="9"\s+checked', page.content.decode())
    survey.refresh_from_db()
    assert survey.answered_at is None  # opening a link records nothing
    response = client.post(url, {"score": "9", "comment": "Schnell und freundlich"})
    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (9, "Schnell und freundlich")
    again = client.post(url, {"score": "3"})
    assert again.status_code == 409
    survey.refresh_from_db()
    assert survey.score == 9
    assert 'data-testid="nps-thanks"' in client.get(url).content.decode()


def test_tampered_link_is_404_and_bad_score_400(client, collected):
    survey = NpsSurvey.objects.get(order=collected)
    token = nps_token(survey)
    assert client.get(f"/insight/nps/{token}x/").status_code == 404
    assert client.post(f"/insight/nps/{token}/", {"score": "11"}).status_code == 400
    assert client.post(f"/insight/nps/{token}/", {"score": "zehn"}).status_code == 400
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_service_rules(collected):
    survey = NpsSurvey.objects.get(order=collected)
    with pytest.raises(NpsError):
        nps_answer(survey=survey, score=True)
    with pytest.raises(NpsError):
        nps_answer(survey=survey, score=5, comment="x" * 1001)
    nps_answer(survey=survey, score=5)
    assert nps_answer(survey=survey, score=5).score == 5  # the same again: unchanged
    with pytest.raises(NpsAlreadyAnswered):
        nps_answer(survey=survey, score=6)


def test_nps_per_store_by_hand(store, tiers):
    other = factories.StoreFactory()
    scores = {store: [10, 9, 8, 6, 0], other: [10, 7]}
    for shop, values in scores.items():
        variant = factories.stocked_variant(shop, "20.00", units=10)
        for value in values:
            order = factories.collected_order(shop, [(variant, 1)])
            survey = NpsSurvey.objects.get(order=order)
            nps_answer(survey=survey, score=value, comment="gut" if value == 10 else "")
    today = timezone.localdate()
    figures = nps(period=Period(first=today - dt.timedelta(days=1), last=today))
    # store: 2 promoters, 2 detractors of 5 → 0; other: 1 promoter of 2 → 50; all: 3 − 2 of 7
    assert figures["by_store"][store.pk]["nps"] == 0.0
    assert figures["by_store"][other.pk]["nps"] == 50.0
    assert figures["nps"] == pytest.approx(round(100 / 7, 1))
    assert len(figures["comments"]) == 2 and {c["comment"] for c in figures["comments"]} == {"gut"}
    only = nps(period=Period(first=today, last=today), store_ids=[other.pk])
    assert only["answers"] == 2 and only["promoters"] == 1
