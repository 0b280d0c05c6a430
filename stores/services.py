from django.db import transaction
from django.http import HttpRequest

from .models import Store
from .selectors import SESSION_KEY


@transaction.atomic
def my_store_choose(*, request: HttpRequest, store: Store) -> None:
    """Remember the shopper's store in the session and, when logged in, on the account."""
    request.session[SESSION_KEY] = store.pk
    user = request.user
    if user.is_authenticated and user.preferred_store_id != store.pk:
        user.preferred_store = store
        user.save(update_fields=["preferred_store"])
