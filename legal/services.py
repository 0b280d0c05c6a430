"""Writing legal texts and the contract model (the admin calls these)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import LegalTextError
from .models import ContractModel, LegalSettings, LegalText

PAST_GRACE = dt.timedelta(minutes=15)


def legal_text_check(*, text: LegalText) -> None:
    """Raise LegalTextError when `text` may not be saved as it is (see `legal_text_save`)."""
    if not (text.title_de.strip() and text.title_en.strip()):
        raise LegalTextError(_("Both titles are needed (German and English)."))
    if not (text.body_de.strip() and text.body_en.strip()):
        raise LegalTextError(_("Both texts are needed (German and English)."))
    if text.pk is not None:
        stored = LegalText.objects.filter(pk=text.pk).first()
        if stored is not None and stored.in_force:
            raise LegalTextError(
                _("This version is in force and cannot be changed. Save it as a new version.")
            )
    if text.valid_from is None:
        raise LegalTextError(_("Please give the date from which the text is valid."))
    newest = (
        LegalText.objects.filter(page=text.page).exclude(pk=text.pk).order_by("-valid_from").first()
    )
    if newest is not None and newest.in_force:
        # What shoppers read in the past stays what it was: once a version of the page is in
        # force, a new one starts after it and not before now (a few minutes' grace for the form).
        if text.valid_from <= newest.valid_from:
            raise LegalTextError(
                _("A newer version is already in force; the new version must start after it.")
            )
        if text.valid_from < timezone.now() - PAST_GRACE:
            raise LegalTextError(_("A new version cannot start in the past."))
    if (
        LegalText.objects.filter(page=text.page, valid_from=text.valid_from)
        .exclude(pk=text.pk)
        .exists()
    ):
        raise LegalTextError(_("Another version of this page starts at the same moment."))


@transaction.atomic
def legal_text_save(*, text: LegalText) -> LegalText:
    """Save a new version, or change one that is not in force yet.

    A version in force (valid from now or earlier) stays as it was: orders point at it and it is
    what shoppers have read. A change is saved as a new version instead. A new version may take
    effect at once but not before the newest version in force, so the text that was in force
    yesterday stays the one that was in force yesterday.
    """
    if text.pk is not None:
        LegalText.objects.select_for_update().filter(pk=text.pk).first()
    legal_text_check(text=text)
    text.save()
    return text


@transaction.atomic
def contract_model_set(*, model: str) -> LegalSettings:
    """Choose the shop-wide contract model; orders keep the model they were placed under."""
    if model not in ContractModel.values:
        raise LegalTextError(_("Unknown contract model."))
    settings, _created = LegalSettings.objects.update_or_create(
        pk=1, defaults={"contract_model": model}
    )
    return settings
