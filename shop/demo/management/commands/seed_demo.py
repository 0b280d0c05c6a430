from django.core.management.base import BaseCommand, CommandError

from shop.demo.seed import DEFAULT_PRODUCTS, DEFAULT_STORES, DEMO_ACCOUNTS, demo_seed

SIZE_KEYS = {"products", "stores"}


def parse_size(value: str) -> dict[str, int]:
    """ "products=10000,stores=50" → {"products": 10000, "stores": 50}."""
    size = {}
    for part in value.split(","):
        key, sep, number = part.partition("=")
        key = key.strip()
        if not sep or key not in SIZE_KEYS or not number.strip().isdigit():
            raise CommandError(
                f"Cannot read --size {value!r}: expected e.g. products=10000,stores=50."
            )
        size[key] = int(number)
    return size


class Command(BaseCommand):
    help = (
        "Create the demo chain (stores, catalogue, pictures, stock, accounts). Idempotent: "
        "a second run adds nothing. --size products=10000,stores=50 builds a benchmark set."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", help="e.g. products=10000,stores=50")
        parser.add_argument("--products", type=int, help=f"default {DEFAULT_PRODUCTS}")
        parser.add_argument("--stores", type=int, help=f"default {DEFAULT_STORES}")
        parser.add_argument(
            "--images",
            choices=["auto", "each", "shared", "none"],
            default="auto",
            help="one picture per product (each), per category (shared), or none; "
            "auto: each up to 1,000 products",
        )

    def handle(self, *args, size=None, products=None, stores=None, images="auto", **options):
        wanted = {"products": DEFAULT_PRODUCTS, "stores": DEFAULT_STORES}
        if size:
            wanted.update(parse_size(size))
        if products is not None:
            wanted["products"] = products
        if stores is not None:
            wanted["stores"] = stores
        if min(wanted.values()) < 1:
            raise CommandError("--products and --stores must be at least 1.")
        verbose = options["verbosity"] > 1
        report = demo_seed(
            **wanted,
            images=images,
            log=(lambda message: self.stdout.write(f"  {message}")) if verbose else lambda m: None,
        )
        created = ", ".join(f"{n} {what}" for what, n in report.created.items() if n)
        totals = ", ".join(f"{n} {what}" for what, n in report.totals.items())
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready in {report.seconds:.1f} s. ")
            + (f"Created {created}." if created else "Nothing new to create.")
        )
        self.stdout.write(f"In the database: {totals}.")
        self.stdout.write("Demo accounts (development passwords):")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.email:36} {account.password:18} {account.description}")
