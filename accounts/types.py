"""Type aliases for the people the domain layer acts for.

`User` (accounts.models) is a real account: services that act for a person take one.
`AnyUser` is what `request.user` may be, an account or the anonymous visitor: selectors that are
called with `request.user` take one and answer "nothing" for the anonymous visitor.
"""

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from .models import User

AnyUser: TypeAlias = User | AnonymousUser
