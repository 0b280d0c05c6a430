from django.contrib import admin
from django.utils.translation import gettext_lazy

from .selectors import staff_stores


class StaffStoreFilter(admin.SimpleListFilter):
    """The stores this person works for (all for a superuser), without scanning the rows.

    For admin lists of models with a `store` foreign key.
    """

    title = gettext_lazy("store")
    parameter_name = "store"

    def lookups(self, request, model_admin):
        return list(staff_stores(user=request.user).order_by("name").values_list("pk", "name"))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(store_id=self.value())
        return queryset
