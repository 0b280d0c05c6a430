"""What the loyalty app does when a customer's account is erased (DSGVO Art. 17): the card is
retired (its number is never drawn again, the row keeps it) and free texts that name the person
are redacted. The ledgers stay as they are: they balance without the person."""

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.privacy import any_contains, redact_rows

from .models import CardLookup, LoyaltyAccount, PointsEntry, StoreCreditEntry


@transaction.atomic
def loyalty_card_retire(*, user: User) -> LoyaltyAccount | None:
    """Retire the customer's card; no lookup (desk, till, admin) finds it afterwards."""
    account = LoyaltyAccount.objects.select_for_update().filter(user=user).first()
    if account is not None and account.retired_at is None:
        account.retired_at = timezone.now()
        account.save(update_fields=["retired_at"])
    return account


@transaction.atomic
def loyalty_forget(*, user: User, needles: Sequence[str]) -> None:
    """Redact the person's name, e-mail and phone from the loyalty rows' free texts: ledger
    descriptions and notes, and what staff typed into a card lookup (a lookup of their card
    keeps the card number, a lookup by e-mail or phone loses it)."""
    account = LoyaltyAccount.objects.filter(user=user).first()
    if account is not None:
        redact_rows(
            PointsEntry.objects.filter(account=account),
            ["description", "description_params"],
            needles,
        )
        CardLookup.objects.filter(account=account).update(card_number=account.card_number)
    redact_rows(StoreCreditEntry.objects.filter(user=user), ["note", "note_params"], needles)
    redact_rows(
        CardLookup.objects.filter(account__isnull=True).filter(
            any_contains("card_number", needles)
        ),
        ["card_number"],
        needles,
    )
