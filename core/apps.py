from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Helpers every app may use: the admin's read-only mixin, API errors and pagination, QR
    codes, money formatting. It imports no other app of ours."""

    name = "core"
    verbose_name = "Core"
