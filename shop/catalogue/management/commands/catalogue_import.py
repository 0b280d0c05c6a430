"""`manage.py catalogue_import FILE [--full] [--dry-run]`: the ERP's nightly catalogue file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shop.catalogue.errors import CatalogueFeedRejected
from shop.catalogue.feed.reading import feed_read_file
from shop.catalogue.feed.services import catalogue_feed_import
from shop.catalogue.models import CatalogueImport

SHOWN_PROBLEMS = 200


class Command(BaseCommand):
    help = (
        "Import a catalogue feed (.csv, .xlsx or .json; see shop/catalogue/feed/reading.py). "
        "All or nothing: one bad row rejects the file, every problem is printed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--full",
            action="store_true",
            help="A full feed: deactivate every product the file does not list.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only count the changes.")

    def handle(self, *args, file: Path, full: bool, dry_run: bool, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        try:
            products, json_full = feed_read_file(data, file.name)
            report = catalogue_feed_import(
                feed=products,
                full=full or bool(json_full),
                source=CatalogueImport.Source.COMMAND,
                dry_run=dry_run,
                file_name=file.name,
            )
        except CatalogueFeedRejected as error:
            for problem in error.problems[:SHOWN_PROBLEMS]:
                where = f"line {problem.line}" if problem.line else f"product {problem.product}"
                if problem.variant is not None and not problem.line:
                    where += f", variant {problem.variant}"
                self.stderr.write(f"{where}: {problem.field}: {problem.reason}")
            if len(error.problems) > SHOWN_PROBLEMS:
                self.stderr.write(f"… and {len(error.problems) - SHOWN_PROBLEMS} more.")
            raise CommandError(str(error)) from None
        verb = "would change" if dry_run else "changed"
        counts = ", ".join(f"{name.replace('_', ' ')} {n}" for name, n in report.counts().items())
        self.stdout.write(f"{report.products} products read; {verb}: {counts}.")
