"""Celery tasks: thin wrappers that take ids and call one service each."""

from celery import shared_task

from .services.export import data_export_build, data_exports_sweep


@shared_task(ignore_result=True)
def build_data_export(export_id: int) -> str | None:
    export = data_export_build(export_id=export_id)
    return export.status if export else None


@shared_task(ignore_result=True)
def sweep_data_exports() -> tuple[int, int]:
    return data_exports_sweep()
