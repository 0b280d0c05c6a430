"""The survey message: kind `nps_survey` (e-mail with the 0–10 links, and in-app)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.kinds import Kind
from notifications.models import Notification
from notifications.services import Recipient, notify

from .models import NpsSurvey


def _token(survey: NpsSurvey) -> str:
    from .services import nps_token

    return nps_token(survey)


def survey_context(survey: NpsSurvey) -> dict:
    token = _token(survey)
    base = reverse("insight:nps", args=[token])
    return {
        "survey": survey,
        "order": survey.order,
        "user": survey.customer,
        "store": survey.store,
        "score_links": [(score, f"{base}?score={score}") for score in range(11)],
    }


def survey_link(survey: NpsSurvey) -> str:
    return reverse("insight:nps", args=[_token(survey)])


KINDS = (
    Kind(
        "nps_survey",
        _("How was your pickup of order {order.number}?"),
        context=survey_context,
        link=survey_link,
        description=_("Shopper: asked once after a collected order whether they recommend us"),
    ),
)


def notify_nps_survey(survey: NpsSurvey) -> list[Notification]:
    return notify(kind="nps_survey", subject=survey, recipients=[Recipient(user=survey.customer)])
