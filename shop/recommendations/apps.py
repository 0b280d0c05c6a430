from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    """ "Kunden kauften auch" and "Für Sie": co-purchases across channels, computed nightly."""

    name = "shop.recommendations"
    label = "recommendations"
    verbose_name = _("Recommendations")
