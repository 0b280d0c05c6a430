"""What the returns app does when a customer's account is erased (DSGVO Art. 17): returns not
yet brought to a store are cancelled, the others stay (refunds are business records) without
the customer's comments and without notes that name them."""

from collections.abc import Sequence

from django.db import transaction

from accounts.models import User
from core.privacy import REDACTED, redact_rows

from .models import ReturnEvent, ReturnLine, ReturnRequest, ReturnStatus
from .services import return_cancel


@transaction.atomic
def returns_forget(*, user: User, needles: Sequence[str]) -> list[str]:
    """Cancel the customer's requested returns and redact their free texts; returns the codes of
    the returns cancelled."""
    cancelled = []
    for ret in ReturnRequest.objects.filter(customer=user, status=ReturnStatus.REQUESTED):
        return_cancel(ret=ret, actor=user)
        cancelled.append(ret.code)
    # The comment is the customer's own words: gone, whatever it says ("other" needs one).
    ReturnRequest.objects.filter(customer=user).exclude(comment="").update(comment=REDACTED)
    redact_rows(ReturnRequest.objects.filter(customer=user), ["override_reason"], needles)
    redact_rows(
        ReturnEvent.objects.filter(return_request__customer=user), ["note", "note_params"], needles
    )
    redact_rows(
        ReturnLine.objects.filter(return_request__customer=user), ["reject_reason"], needles
    )
    return cancelled
