from . import admin_orders  # noqa: F401
