"""The admin's login form, limited by the same limiter as the shop's login.

Django's admin login calls `authenticate()` directly, so allauth's limits (ACCOUNT_RATE_LIMITS
"login" and "login_failed": per IP and per e-mail address) would not apply to it. This form
authenticates through allauth's adapter instead: both logins count against one limiter, and once
it is exhausted even the right password is refused until the limit has expired.
"""

from allauth.account.adapter import get_adapter
from allauth.core.internal import ratelimit
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class RateLimitedAdminAuthenticationForm(AdminAuthenticationForm):
    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            if self.request is not None and not ratelimit.consume(
                self.request, app="allauth.account", action="login"
            ):
                raise ValidationError(
                    _("Too many login attempts. Please try again later."), code="rate_limited"
                )
            self.user_cache = get_adapter(self.request).authenticate(
                self.request, email=username.strip().lower(), password=password
            )
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
