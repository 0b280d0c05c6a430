from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (`manage.py seed_demo`), built through the other apps' services."""

    name = "shop.demo"
    label = "demo"
    verbose_name = "Demo data"
