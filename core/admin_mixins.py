"""Pieces every app's admin shares."""


class ReadOnlyAdminMixin:
    """Ledger and audit rows are written by the services only: the admin shows them, never edits.

    For a ModelAdmin or an inline (whose has_add_permission also takes `obj`).
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
