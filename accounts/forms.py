"""The sign-up form, without telling anyone whether an address is already registered.

allauth prevents this enumeration only when e-mail verification is mandatory for every login,
which would lock out every existing account without a verified address. So verification is
mandatory for the sign-up alone: a new address gets its account and a confirmation e-mail, an
address that is already registered gets an e-mail to its owner ("you already have an account")
and no account, and both see the same page, "please confirm your e-mail address". Confirming
logs the new shopper in (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION) and goes on to `?next=`.
Logins keep ACCOUNT_EMAIL_VERIFICATION ("optional").
"""

from allauth.account.adapter import get_adapter
from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.forms import SignupForm
from allauth.account.internal.flows.login import perform_login
from allauth.account.internal.flows.signup import complete_signup
from allauth.account.models import Login
from allauth.account.utils import get_next_redirect_url

from .models import User


class EnumerationSafeSignupForm(SignupForm):
    def validate_unique_email(self, value) -> str:
        email = get_adapter().validate_unique_email(value)
        self.account_already_exists = User.objects.filter(email__iexact=email).exists()
        return email

    def try_save(self, request):
        redirect_url = get_next_redirect_url(request)
        if self.account_already_exists:
            login = Login(
                user=None,
                email=self.cleaned_data["email"],
                signup=True,
                email_verification=EmailVerificationMethod.MANDATORY,
                redirect_url=redirect_url,
            )
            return None, perform_login(request, login)
        user = self.save(request)
        response = complete_signup(
            request,
            user=user,
            email_verification=EmailVerificationMethod.MANDATORY,
            redirect_url=redirect_url,
        )
        return user, response
