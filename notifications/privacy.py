"""What the outbox does when a customer's account is erased (DSGVO Art. 17): the customer's own
messages (in-app and e-mail, with the address they went to) are deleted; messages to others
(store staff, a named collector) that name the customer lose the text that names them."""

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from core.privacy import any_contains, redact_rows

from .models import Notification


@transaction.atomic
def notifications_forget(*, user_id: int, emails: Sequence[str], needles: Sequence[str]) -> int:
    """Delete the person's notifications and redact others that name them; returns how many
    were deleted."""
    own = Q(recipient_id=user_id)
    for email in emails:
        own |= Q(recipient_email__iexact=email)
    deleted, _per_model = Notification.objects.filter(own).delete()
    naming = (
        Notification.objects.annotate(context_text=Cast("context", TextField()))
        .filter(
            any_contains("title", needles)
            | any_contains("body", needles)
            | any_contains("context_text", needles)
        )
        .distinct()
    )
    for row in naming:
        redact_rows([row], ["title", "body"], needles)
        if any(n.lower() in row.context_text.lower() for n in needles):
            row.context = {}
            row.save(update_fields=["context"])
    return deleted
