from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inventory.errors import SnapshotRejected
from inventory.snapshots import snapshot_read, stock_snapshot_import
from inventory.texts import STOCK_MOVEMENT_TEXTS


class Command(BaseCommand):
    help = (
        "Set on-hand quantities from an ERP snapshot (CSV with the columns store, sku, quantity, "
        "or a JSON list of such objects). All or nothing; prints every difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Report the differences, change nothing."
        )

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        try:
            report = stock_snapshot_import(
                rows=snapshot_read(data, file.name),
                dry_run=dry_run,
                note=STOCK_MOVEMENT_TEXTS.make("snapshot_erp", name=file.name),
            )
        except SnapshotRejected as error:
            for problem in error.problems:
                self.stderr.write(f"line {problem.line}: {problem.reason}")
            raise CommandError(str(error)) from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text.") from None
        self.stdout.write("store\tsku\tsystem\tcounted\tdifference")
        for d in report.differences:
            self.stdout.write(
                f"{d.store_code}\t{d.sku}\t{d.system}\t{d.counted}\t{d.difference:+d}"
            )
        for shortfall in report.shortfalls:
            self.stdout.write(
                f"pickup order {shortfall.reference} lost {shortfall.units_missing} unit(s)"
            )
        verb = "would change" if dry_run else "changed"
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.rows} rows read, {len(report.differences)} stock levels {verb}."
            )
        )
