"""The shop's legal texts (Impressum, AGB, privacy, withdrawal, payment and pickup, accessibility)
and the one shop-wide contract setting.

A legal text is never changed once it is in force: a new wording is a new `LegalText` row with
the date from which it is valid, so every order can point at the AGB and privacy wording the
shopper saw. Each row holds the German and the English wording.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class LegalPage(models.TextChoices):
    IMPRINT = "imprint", _("Imprint")
    TERMS = "terms", _("Terms and conditions")
    PRIVACY = "privacy", _("Privacy policy")
    WITHDRAWAL = "withdrawal", _("Right of withdrawal")
    PAYMENT_PICKUP = "payment-pickup", _("Payment and pickup")
    ACCESSIBILITY = "accessibility", _("Accessibility statement")


class ContractModel(models.TextChoices):
    RESERVATION = "reservation", _("Non-binding reservation, paid at the counter")
    PURCHASE = "purchase", _("Online purchase for pickup (14-day right of withdrawal)")


class LegalTextQuerySet(models.QuerySet):
    def in_force(self, at=None):
        return self.filter(valid_from__lte=at or timezone.now())


class LegalText(models.Model):
    page = models.CharField(_("page"), max_length=20, choices=LegalPage.choices)
    valid_from = models.DateTimeField(
        _("valid from"),
        help_text=_(
            "The shop shows the newest version whose date has come. A version in force cannot "
            "be changed any more: save a new version instead."
        ),
    )
    title_de = models.CharField(_("title (German)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=120)
    body_de = models.TextField(
        _("text (German)"),
        help_text=_(
            'Paragraphs are separated by an empty line; a line starting with "## " is a '
            'heading, lines starting with "- " form a list, a paragraph starting with "! " is '
            "highlighted."
        ),
    )
    body_en = models.TextField(_("text (English)"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = LegalTextQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal text version")
        verbose_name_plural = _("legal text versions")
        ordering = ["page", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["page", "valid_from"], name="legal_text_one_per_date"),
            models.CheckConstraint(
                condition=Q(page__in=LegalPage.values), name="legal_text_page_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_page_display()} ({timezone.localtime(self.valid_from):%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("legal:version", kwargs={"page": self.page, "pk": self.pk})

    @property
    def in_force(self) -> bool:
        return self.valid_from <= timezone.now()

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "de").startswith("en") else self.title_de

    @property
    def body(self) -> str:
        return self.body_en if (get_language() or "de").startswith("en") else self.body_de


class LegalSettings(models.Model):
    """One row (pk 1): the shop-wide contract model."""

    contract_model = models.CharField(
        _("contract model"),
        max_length=16,
        choices=ContractModel.choices,
        default=ContractModel.RESERVATION,
        help_text=_(
            "Reservation: the checkout button reads 'Reserve without obligation', the contract "
            "is made at the counter. Purchase: the button reads 'Order with obligation to pay', "
            "the 14-day right of withdrawal applies and the 'Withdraw from contract' button is "
            "shown on every page."
        ),
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("legal settings")
        verbose_name_plural = _("legal settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="legal_settings_singleton"),
            models.CheckConstraint(
                condition=Q(contract_model__in=ContractModel.values),
                name="legal_settings_contract_model_valid",
            ),
        ]

    def __str__(self):
        return str(_("Legal settings"))
