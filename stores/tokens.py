"""Per-store API tokens for tills and the ERP: `Authorization: StoreToken <key>`."""

import hashlib
import hmac
import secrets

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import Store, StoreApiToken

KEYWORD = "StoreToken"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def store_token_create(*, store: Store, name: str) -> tuple[StoreApiToken, str]:
    """Create a token and return it with its plain key, which is not stored."""
    while True:
        key = secrets.token_urlsafe(32)
        prefix = key[:8]
        if not StoreApiToken.objects.filter(prefix=prefix).exists():
            break
    token = StoreApiToken.objects.create(store=store, name=name, prefix=prefix, digest=_digest(key))
    return token, key


def store_token_check(key: str) -> StoreApiToken | None:
    token = StoreApiToken.objects.active().select_related("store").filter(prefix=key[:8]).first()
    if token is None or not hmac.compare_digest(token.digest, _digest(key)):
        return None
    StoreApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


class StoreTokenAuthentication(authentication.BaseAuthentication):
    """Authenticates a till or feed. `request.auth` is the StoreApiToken, `request.user` anonymous."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace") != KEYWORD:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the header as 'StoreToken <key>'."))
        token = store_token_check(header[1].decode(errors="replace"))
        if token is None:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked store token."))
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser(), token

    def authenticate_header(self, request):
        return KEYWORD


class StoreTokenScheme(OpenApiAuthenticationExtension):
    target_class = StoreTokenAuthentication
    name = "storeToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A per-store token for a till or feed: `StoreToken <key>`.",
        }
