from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.utils import translation

from loyalty.services import loyalty_account_open


class AccountAdapter(DefaultAccountAdapter):
    """Remembers the language a shopper signed up in, so e-mails later speak it too, and opens
    the loyalty card with the account."""

    def save_user(self, request, user, form, commit=True):
        user.language = translation.get_language() or user.language
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit:
                loyalty_account_open(user)
        return user
