"""Demo data for a believable German outdoor and sports chain (see `manage.py seed_demo`)."""

from .seed import DEMO_ACCOUNTS, DemoAccount, SeedReport, demo_seed

__all__ = ["DEMO_ACCOUNTS", "DemoAccount", "SeedReport", "demo_seed"]
