"""Reading the legal texts and the contract model."""

import datetime as dt
from typing import NamedTuple

from django.utils import timezone

from core.cached import cached_under_version, version_move

from .models import ContractModel, LegalPage, LegalSettings, LegalText

VERSION_KEY = "legal:version"
_TERMS_KEY = "legal:terms"


def legal_text_current(*, page: str, at: dt.datetime | None = None) -> LegalText | None:
    """The version of `page` in force at `at` (now): the newest whose valid-from has come."""
    return LegalText.objects.in_force(at).filter(page=page).order_by("-valid_from").first()


def legal_texts_current(*, at: dt.datetime | None = None) -> dict[str, LegalText]:
    """page → the version in force, for every page that has one (one query)."""
    current: dict[str, LegalText] = {}
    for text in LegalText.objects.in_force(at).order_by("page", "-valid_from"):
        current.setdefault(text.page, text)
    return current


def legal_text_versions(*, page: str) -> list[LegalText]:
    """Every version of `page` in force now or before, newest first (future ones are hidden)."""
    return list(LegalText.objects.in_force().filter(page=page).order_by("-valid_from"))


def contract_model() -> ContractModel:
    """The shop-wide contract model; a reservation until staff chose otherwise."""
    value = LegalSettings.objects.filter(pk=1).values_list("contract_model", flat=True).first()
    return ContractModel(value) if value else ContractModel.RESERVATION


class OrderTerms(NamedTuple):
    """What an order is placed under: the contract model and, per page, the text in force."""

    contract_model: ContractModel
    texts: dict[str, LegalText]


def order_terms(*, at: dt.datetime | None = None) -> OrderTerms:
    """`contract_model()` and `legal_texts_current()` for checkout, from the cache: no query
    while no legal text or setting was written. The texts come without their bodies."""

    def build() -> tuple[ContractModel, list[LegalText]]:
        versions = LegalText.objects.only("id", "page", "valid_from").order_by("-valid_from")
        return contract_model(), list(versions)

    model, versions = cached_under_version(version_key=VERSION_KEY, key=_TERMS_KEY, build=build)
    at = at or timezone.now()
    texts: dict[str, LegalText] = {}
    for text in versions:  # newest first: the first in force per page is the current one
        if text.valid_from <= at:
            texts.setdefault(text.page, text)
    return OrderTerms(model, texts)


def legal_written(**_kwargs: object) -> None:
    """Signal receiver: a legal text or the settings changed (see `order_terms`)."""
    version_move(VERSION_KEY)


def footer_pages() -> list[tuple[str, str]]:
    """(page slug, label) of every legal page, in footer order; needs no query."""
    return [(page.value, str(page.label)) for page in LegalPage]
