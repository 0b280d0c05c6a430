"""Reading the legal texts and the contract model."""

import datetime as dt

from .models import ContractModel, LegalPage, LegalSettings, LegalText


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


def footer_pages() -> list[tuple[str, str]]:
    """(page slug, label) of every legal page, in footer order; needs no query."""
    return [(page.value, str(page.label)) for page in LegalPage]
