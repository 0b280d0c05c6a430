"""Erasing a customer's account (DSGVO Art. 17).

One transaction, in this order:
1. the customer's open orders are cancelled through the orders services (stock released,
   points and store credit given back) and their requested returns are cancelled;
2. the confirmation e-mail is handed to the mail server, while the address still exists;
   if that fails, the whole erasure is rolled back and nothing is changed;
3. the person is removed everywhere: the user row is anonymised, the loyalty card retired
   (never drawn again), orders, returns and ledgers keep their amounts without the person,
   free texts that name them are redacted, their messages and data exports are deleted;
4. an `Erasure` row records who did it, how and why (without personal data).

What the law requires to keep (orders, receipts, ledgers) stays: the ledgers balance as
before, since no entry is removed.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.privacy import erased_email, user_anonymise
from core.privacy import identifiers, redact
from insight.privacy import nps_forget
from inventory.privacy import stock_alerts_forget
from loyalty.privacy import loyalty_card_retire, loyalty_forget
from notifications.privacy import notifications_forget
from notifications.services import usable_email
from returns.privacy import returns_forget
from shop.orders.services.privacy import orders_cancel_for_erasure, orders_forget
from shop.recommendations.privacy import customer_picks_forget
from stores.models import StaffMembership

from ..errors import ConfirmationNotSent, CustomerNotAllowed, ErasureRateLimited, ErasureRefused
from ..models import ConsentSource, DataExport, Erasure, ErasureChannel
from .account import marketing_consent_set

logger = logging.getLogger(__name__)


def may_erase_for_others(*, user: User) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm("customers.add_erasure"))


def erasure_check(*, user: User) -> None:
    """Refuse accounts that cannot be erased this way: staff accounts, erased ones."""
    if Erasure.objects.filter(customer=user).exists():
        raise ErasureRefused(_("This account has already been erased."))
    if user.is_staff or user.is_superuser or StaffMembership.objects.filter(user=user).exists():
        raise ErasureRefused(
            _("Staff accounts are closed by an administrator, not through this erasure.")
        )


def _send_confirmation(*, user: User, orders: list[str], returns: list[str]) -> None:
    if not usable_email(address=user.email):
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {"user": user, "orders": orders, "returns": returns}
        message = EmailMultiAlternatives(
            subject=_("Your Omnishop account has been deleted"),
            body=render_to_string("customers/email/erasure_confirmation.txt", context),
            to=[user.email],
            headers={"Auto-Submitted": "auto-generated"},
        )
        message.attach_alternative(
            render_to_string("customers/email/erasure_confirmation.html", context), "text/html"
        )
    try:
        message.send()
    except Exception as exc:  # any failure of the mail server: nothing is erased
        logger.warning("Erasure of user %s stopped: confirmation not sent (%r)", user.pk, exc)
        raise ConfirmationNotSent(
            _(
                "The confirmation e-mail could not be sent, so nothing was deleted. "
                "Please try again in a few minutes."
            )
        ) from exc


PASSWORD_FAILURES = 5
PASSWORD_WINDOW = dt.timedelta(minutes=15)


def _password_check(*, user: User, password: str) -> None:
    """The password given again on the shopper's path; PASSWORD_FAILURES wrong ones within
    PASSWORD_WINDOW lock this check (not the login) until the window has passed."""
    key = f"erasure-password-failures:{user.pk}"
    if (cache.get(key) or 0) >= PASSWORD_FAILURES:
        raise ErasureRateLimited(
            _("Too many wrong passwords. Please try again in %(minutes)d minutes.")
            % {"minutes": PASSWORD_WINDOW.seconds // 60},
            retry_at=timezone.now() + PASSWORD_WINDOW,
        )
    if password and user.check_password(password):
        return
    cache.add(key, 0, timeout=int(PASSWORD_WINDOW.total_seconds()))
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=int(PASSWORD_WINDOW.total_seconds()))
    raise CustomerNotAllowed(_("The password is not correct."))


def erase_customer(
    *, user: User, by: User, reason: str = "", password: str | None = None
) -> Erasure:
    """Erase `user`. On their own (`by` is `user`) the password must be given again; staff with
    the permission "customers.add_erasure" erase on a request received by post, with `reason`
    (e.g. the letter's date). Raises CustomerNotAllowed, ErasureRefused or ConfirmationNotSent;
    then nothing has changed."""
    own = by.pk == user.pk
    if own:
        _password_check(user=user, password=password or "")
    elif not may_erase_for_others(user=by):
        raise CustomerNotAllowed(_("You may not erase customer accounts."))
    elif not reason.strip():
        raise ErasureRefused(_("Please note the request (e.g. the date of the letter)."))
    needles = identifiers(
        user.email,
        user.phone,
        user.get_full_name(),
        user.first_name,
        user.last_name,
    )
    old_email = user.email
    with transaction.atomic():
        erasure_check(user=user)
        # Orders first: each cancellation takes the locks in the documented order (order,
        # loyalty account, user row); only then is the user row locked for the rest.
        orders = orders_cancel_for_erasure(user=user)
        returns = returns_forget(user=user, needles=needles)
        user = User.objects.select_for_update().get(pk=user.pk)
        _send_confirmation(user=user, orders=orders, returns=returns)
        marketing_consent_set(user=user, granted=False, source=ConsentSource.ERASURE)
        loyalty_card_retire(user=user)
        loyalty_forget(user=user, needles=needles)
        nps_forget(user=user)
        placeholder = erased_email(user_id=user.pk)
        orders_forget(user=user, needles=needles, email=placeholder)
        notifications_forget(user_id=user.pk, emails=[old_email], needles=needles)
        stock_alerts_forget(user_id=user.pk, emails=[old_email])
        customer_picks_forget(user_id=user.pk)
        DataExport.objects.filter(user=user).delete()
        user_anonymise(user=user)
        erasure = Erasure.objects.create(
            customer=user,
            by=by,
            channel=ErasureChannel.SELF if own else ErasureChannel.STAFF,
            reason=redact(reason.strip(), needles)[:255],
            orders_cancelled=orders,
        )
    logger.info("User %s erased by user %s (%s)", user.pk, by.pk, erasure.channel)
    return erasure
