"""Anonymising a user row when the customer's account is erased (DSGVO Art. 17).

The row stays (orders, ledgers and returns point at it) but no longer names anyone: the e-mail
becomes a placeholder under the reserved `.invalid` domain, name and phone are emptied, the
account can no longer log in, and allauth's addresses, API tokens and the admin history's
labels of the row go too.
"""

from allauth.account.models import EmailAddress
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from rest_framework.authtoken.models import Token

from .models import User


def erased_email(*, user_id: int) -> str:
    return f"erased-{user_id}@erased.invalid"


@transaction.atomic
def user_anonymise(*, user: User) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    placeholder = erased_email(user_id=user.pk)
    EmailAddress.objects.filter(user=user).delete()
    Token.objects.filter(user=user).delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=placeholder)
    user.email = placeholder
    user.first_name = ""
    user.last_name = ""
    user.phone = ""
    user.preferred_store = None
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    return user
