"""The shopper's own account page: contact details, language, "my store", marketing consent."""

import re

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from stores.models import Store

from ..errors import AccountFieldError
from ..models import ConsentSource, MarketingConsent

# The wording the shopper sees next to the checkbox; stored, as shown, with every change.
CONSENT_WORDING = gettext_lazy(
    "Yes, Omnishop may send me offers and news by e-mail. This is separate from the loyalty "
    "card. I can withdraw this consent at any time in my account."
)

_PHONE = re.compile(r"^\+?[0-9 ()/.-]{6,32}$")


def phone_clean(*, phone: str) -> str:
    phone = " ".join((phone or "").split())
    if phone and (not _PHONE.match(phone) or sum(c.isdigit() for c in phone) < 6):
        raise AccountFieldError(
            _("Please enter a phone number with digits, e.g. +49 30 1234567."), field="phone"
        )
    return phone


@transaction.atomic
def account_update(
    *,
    user: User,
    first_name: str,
    last_name: str,
    phone: str,
    language: str,
    preferred_store: Store | None,
) -> User:
    """Save the shopper's name, phone, language and store (the e-mail changes through allauth's
    verified change, the password through its own page)."""
    languages = {code for code, _name in User._meta.get_field("language").choices or []}
    if language not in languages:
        raise AccountFieldError(_("Please choose one of the languages offered."), field="language")
    if preferred_store is not None and not preferred_store.is_active:
        raise AccountFieldError(_("This store cannot be chosen."), field="preferred_store")
    user = User.objects.select_for_update().get(pk=user.pk)
    user.first_name = first_name.strip()[:150]
    user.last_name = last_name.strip()[:150]
    user.phone = phone_clean(phone=phone)
    user.language = language
    user.preferred_store = preferred_store
    user.save(update_fields=["first_name", "last_name", "phone", "language", "preferred_store"])
    return user


def marketing_consent_current(*, user: User) -> MarketingConsent | None:
    return MarketingConsent.objects.filter(user=user).order_by("-created_at", "-id").first()


@transaction.atomic
def marketing_consent_set(
    *, user: User, granted: bool, source: str = ConsentSource.ACCOUNT
) -> MarketingConsent | None:
    """Record a grant or a revocation with the time and the wording shown (in the language the
    shopper saw it); nothing is written when the state does not change. Returns the new row."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # one change at a time
    current = marketing_consent_current(user=user)
    if (current.granted if current else False) == granted:
        return None
    language = translation.get_language() or user.language
    return MarketingConsent.objects.create(
        user=user,
        granted=granted,
        wording=str(CONSENT_WORDING) if source != ConsentSource.ERASURE else "",
        language=language,
        source=source,
    )
