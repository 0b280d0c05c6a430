from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.utils import translation

from .services import account_finish


class AccountAdapter(DefaultAccountAdapter):
    """Remembers the language a shopper signed up in, so e-mails later speak it too, and finishes
    the account like every other sign-up path (the loyalty card opens with it)."""

    def save_user(self, request, user, form, commit=True):
        user.language = translation.get_language() or user.language
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit:
                account_finish(user=user)
        return user
