"""Store credit, the money half of the customer's wallet: refunds put it on, checkout spends it,
cancellations give it back.

These services are the only writers of `StoreCreditEntry`. Every entry is unique by its source
(the same source again returns the entry already written); the balance is the sum of a
customer's entries and never negative. Each change locks the customer's row first, so two
checkouts cannot both spend the same credit.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from accounts.models import User
from core.templatetags.money import format_money
from core.texts import StoredText, text_fields

from .errors import StoreCreditError
from .models import StoreCreditEntry
from .webhooks import store_credit_entry_webhook

CENT = Decimal("0.01")


def store_credit_balance(*, user: User) -> Decimal:
    total = StoreCreditEntry.objects.filter(user=user).aggregate(total=Sum("amount"))["total"]
    return (total or Decimal("0")).quantize(CENT)


def _checked(amount: Decimal, source: str) -> Decimal:
    amount = Decimal(amount)
    if amount <= 0 or amount != amount.quantize(CENT):
        raise StoreCreditError(_("The amount must be positive, in euros and cents."))
    if not source:
        raise StoreCreditError(_("A store-credit change needs a source."))
    return amount


def _lock_customer(user: User) -> None:
    """Serialise every credit change of one customer (the balance is read after this)."""
    User.objects.select_for_update().filter(pk=user.pk).first()


def _existing(user: User, source: str) -> StoreCreditEntry | None:
    existing = StoreCreditEntry.objects.filter(source=source).first()
    if existing is not None and existing.user_id != user.pk:
        raise StoreCreditError(_("This source belongs to another customer."))
    return existing


def _credit(
    *, user: User, amount: Decimal, source: str, note: str | StoredText
) -> StoreCreditEntry:
    amount = _checked(amount, source)
    with transaction.atomic():
        _lock_customer(user)
        existing = _existing(user, source)
        if existing is not None:
            return existing
        entry = StoreCreditEntry.objects.create(
            user=user, amount=amount, source=source, **text_fields(StoreCreditEntry, note)
        )
        store_credit_entry_webhook(entry)
        return entry


def store_credit_add(
    *, user: User, amount: Decimal, source: str, note: str | StoredText = ""
) -> StoreCreditEntry:
    """Put new credit on the account (a refund paid as store credit, source "refund:<code>")."""
    return _credit(user=user, amount=amount, source=source, note=note)


def store_credit_spend(*, user: User, amount: Decimal, source: str) -> StoreCreditEntry:
    """Spend `amount` of the user's store credit (e.g. at checkout, source "order:<number>").

    The balance never goes negative. The same `source` again returns the entry already written.
    """
    amount = _checked(amount, source)
    with transaction.atomic():
        _lock_customer(user)
        existing = _existing(user, source)
        if existing is not None:
            return existing
        balance = store_credit_balance(user=user)
        if amount > balance:
            raise StoreCreditError(
                _("Only %(balance)s store credit left.") % {"balance": format_money(balance)}
            )
        entry = StoreCreditEntry.objects.create(user=user, amount=-amount, source=source)
        store_credit_entry_webhook(entry)
        return entry


def store_credit_give_back(
    *, user: User, amount: Decimal, source: str, note: str | StoredText = ""
) -> StoreCreditEntry:
    """Put spent credit back on the account (order cancelled, expired or made smaller).

    `source` names the give-back itself (e.g. "order:<number>:back"); the same source again
    returns the entry already written and adds nothing.
    """
    return _credit(user=user, amount=amount, source=source, note=note)
