"""Demo data for a believable German outdoor and sports chain (see `manage.py seed_demo`)."""
