from rest_framework.permissions import BasePermission

from stores.models import StoreApiToken


class HasStoreToken(BasePermission):
    """The request carries a valid per-store token; the view books only for `request.auth.store`."""

    message = "A store API token is required (Authorization: StoreToken <key>)."

    def has_permission(self, request, view):
        return isinstance(request.auth, StoreApiToken)
