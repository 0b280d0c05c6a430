"""The customers app's notification: kind `data_export_ready` (in-app and e-mail, with the
signed download link). Registered in CustomersConfig.ready(); templates in customers/templates."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.kinds import Kind
from notifications.models import Notification
from notifications.services import Recipient, notify

from .models import DataExport


def export_link(export: DataExport) -> str:
    from .services.export import export_token

    return reverse("customers:export_download", kwargs={"token": export_token(export=export)})


def export_context(export: DataExport) -> dict:
    return {"export": export, "user": export.user}


KINDS = (
    Kind(
        "data_export_ready",
        _("Your data export is ready"),
        context=export_context,
        link=export_link,
        description=_("Shopper: the copy of their data can be downloaded"),
    ),
)


def notify_export_ready(export: DataExport) -> list[Notification]:
    return notify(
        kind="data_export_ready", subject=export, recipients=[Recipient(user=export.user)]
    )
