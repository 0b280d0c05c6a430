"""Finishing a new account: the one place every sign-up path (allauth's form, `create_user`,
`createsuperuser`) goes through once the user row is saved.

Apps above `accounts` that keep something per customer (loyalty opens the card) register a hook
in their `AppConfig.ready()`; the hooks run in the transaction that saved the user, so an account
never exists without what they create.
"""

from typing import Protocol

from .models import User


class AccountHook(Protocol):
    """A hook takes the new account by keyword: `hook(user=user)`."""

    def __call__(self, *, user: User) -> object: ...


_hooks: list[AccountHook] = []


def account_finished_hook_register(*, hook: AccountHook) -> None:
    """Run `hook(user=user)` for every new account (idempotent hooks only: a retry may run it twice)."""
    if hook not in _hooks:
        _hooks.append(hook)


def account_finish(*, user: User) -> None:
    for hook in _hooks:
        hook(user=user)
