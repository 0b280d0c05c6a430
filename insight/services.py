"""The recommendation survey (NPS): asked once after a pickup order is collected, answered once.

`nps_survey_open` runs in the transaction of the collection (the receiver of the order's
`collected` event), writes the survey row and the message to the outbox; the message carries
eleven signed links (`nps_token`), one per score, and the in-app message links the same page.
"""

import datetime as dt
import logging

from django.core import signing
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.orders.models import Order

from .errors import NpsAlreadyAnswered, NpsError, NpsLinkInvalid
from .models import NpsSurvey
from .notifications import notify_nps_survey

logger = logging.getLogger(__name__)

SALT = "insight.nps"
LINK_VALID = dt.timedelta(days=60)
COMMENT_MAX = 1000


def nps_token(survey: NpsSurvey) -> str:
    return signing.dumps(str(survey.public_id), salt=SALT, compress=True)


def nps_survey_for_token(token: str) -> NpsSurvey:
    """The survey a signed link points to; NpsLinkInvalid for a changed or expired link."""
    try:
        public_id = signing.loads(token, salt=SALT, max_age=LINK_VALID)
    except signing.BadSignature:
        raise NpsLinkInvalid(_("This survey link is not valid (any more).")) from None
    survey = NpsSurvey.objects.select_related("store", "order").filter(public_id=public_id).first()
    if survey is None:
        raise NpsLinkInvalid(_("This survey link is not valid (any more)."))
    return survey


def nps_survey_open(*, order: Order) -> NpsSurvey | None:
    """Ask the order's shopper once; a second call for the order returns the first survey.

    A failure here never undoes the collection: it is logged and the survey is skipped."""
    try:
        with transaction.atomic():
            survey, created = NpsSurvey.objects.get_or_create(
                order=order,
                defaults={
                    "store_id": order.store_id,
                    "customer_id": order.customer_id,
                    "asked_at": timezone.now(),
                },
            )
            if created:
                notify_nps_survey(survey)
            return survey
    except DatabaseError:
        logger.exception("Recommendation survey for order %s not opened", order.pk)
        return None


def nps_answer(*, survey: NpsSurvey, score: object, comment: str = "") -> NpsSurvey:
    """Record the answer, once. The same answer again changes nothing; another is refused."""
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
        raise NpsError(_("Choose a number from 0 to 10."))
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise NpsError(_("The comment has at most %(max)d characters.") % {"max": COMMENT_MAX})
    with transaction.atomic():
        locked = NpsSurvey.objects.select_for_update().get(pk=survey.pk)
        if locked.answered_at is not None:
            if locked.score == score and locked.comment == comment:
                return locked
            raise NpsAlreadyAnswered(_("Thank you, you have already answered this survey."))
        locked.score = score
        locked.comment = comment
        locked.answered_at = timezone.now()
        locked.save(update_fields=["score", "comment", "answered_at"])
    return locked
