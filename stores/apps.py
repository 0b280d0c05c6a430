from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoresConfig(AppConfig):
    name = "stores"
    verbose_name = _("Stores")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .calendar import calendar_written
        from .models import OpeningHours, SpecialDay

        for model in (OpeningHours, SpecialDay):
            uid = f"stores-calendar-{model.__name__}"
            post_save.connect(calendar_written, sender=model, dispatch_uid=uid)
            post_delete.connect(calendar_written, sender=model, dispatch_uid=uid)
