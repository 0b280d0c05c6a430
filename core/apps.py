from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Helpers every app may use: the admin's read-only mixin, API errors and pagination, QR
    codes, money formatting. It imports no other app of ours."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core import db_metrics, request_id, task_metrics

        # The request id follows a request into its tasks; the tasks' outcomes are counted.
        request_id.connect_celery_signals()
        task_metrics.connect_celery_signals()
        db_metrics.connect()  # statement durations for /metrics
