from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    name = "legal"
    verbose_name = _("Legal texts")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import LegalSettings, LegalText
        from .selectors import legal_written

        for model in (LegalText, LegalSettings):
            uid = f"legal-{model.__name__}"
            post_save.connect(legal_written, sender=model, dispatch_uid=uid)
            post_delete.connect(legal_written, sender=model, dispatch_uid=uid)
