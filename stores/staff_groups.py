"""The admin groups that store staff belong to, and the model permissions each one grants.

A role's permissions are listed by app label and model name, so an app adds its models by adding a
line here (a model's own permission, such as `loyalty.adjust_points`, by its codename). `staff_groups_ensure()` is idempotent: it creates missing groups and sets each group's
permissions to exactly what is listed.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from .models import StaffRole

VIEW = ("view",)
VIEW_CHANGE = ("view", "change")
MANAGE = ("view", "add", "change")
STANDARD_ACTIONS = {"view", "add", "change", "delete"}

# What every member of a store's staff needs: the pickup queue (orders admin and desk), returns
# (the returns desk does the work; the admin shows them), stock of their store, shortfalls to
# follow up, their own stock counts. The desk pages for pickup, returns, loyalty cards and
# counts check store membership themselves. Customer-wide lists (loyalty accounts, store credit,
# notifications) are not for associates: the card lookup on the desk is rate-limited and logged.
ASSOCIATE: dict[str, dict[str, tuple[str, ...]]] = {
    "stores": {"store": VIEW, "openinghours": VIEW},
    "inventory": {
        "stocklevel": VIEW,
        "stockmovement": VIEW,
        "reservation": VIEW,
        "stockshortfall": VIEW_CHANGE,  # "mark as resolved" once the customer was called
        "stockcount": VIEW,
    },
    "shop": {
        "category": VIEW,
        "product": VIEW,
        "productimage": VIEW,
        "variant": VIEW,
    },
    "orders": {"order": VIEW_CHANGE},
    "returns": {"returnrequest": VIEW},
}

# A store manager additionally runs the store: its data, stock settings and imports, count
# approvals, reconciliation results, handover attempts, loyalty accounts and points adjustments.
# An action that is not one of Django's four is a model-specific permission's codename.
MANAGER: dict[str, dict[str, tuple[str, ...]]] = {
    "stores": {
        "store": VIEW_CHANGE,
        "openinghours": ("view", "add", "change", "delete"),
        "staffmembership": VIEW,
    },
    "inventory": {
        "stocklevel": VIEW_CHANGE,
        "stockmovement": VIEW,
        "reservation": VIEW,
        "stockshortfall": VIEW_CHANGE,
        "stockcount": VIEW_CHANGE,
        "reconciliationrun": VIEW,
        "reconciliationfinding": VIEW,
    },
    "shop": {
        "category": VIEW,
        "product": MANAGE,
        "productimage": MANAGE,
        "variant": MANAGE,
    },
    "orders": {"order": VIEW_CHANGE, "handoverattempt": VIEW},
    "returns": {"returnrequest": VIEW},
    "loyalty": {
        "loyaltyaccount": ("view", "adjust_points"),
        "pointsentry": VIEW,
        "tierchange": VIEW,
    },
}

# {group name: {app label: {model name: actions}}}
STAFF_GROUPS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "Store associate": ASSOCIATE,
    "Store manager": MANAGER,
}

GROUP_FOR_ROLE = {StaffRole.ASSOCIATE: "Store associate", StaffRole.MANAGER: "Store manager"}


class UnknownPermission(LookupError):
    pass


def _permissions(spec: dict[str, dict[str, tuple[str, ...]]]) -> list[Permission]:
    wanted = {
        (app_label, f"{action}_{model}" if action in STANDARD_ACTIONS else action)
        for app_label, models in spec.items()
        for model, actions in models.items()
        for action in actions
    }
    condition = Q(pk__in=[])
    for app_label, codename in wanted:
        condition |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(condition).select_related("content_type"))
    missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
    if missing:
        raise UnknownPermission(
            "Unknown permissions (run migrate first?): "
            + ", ".join(sorted(f"{a}.{c}" for a, c in missing))
        )
    return found


@transaction.atomic
def staff_groups_ensure() -> dict[str, Group]:
    """Create the staff groups and give each exactly the permissions listed in STAFF_GROUPS."""
    groups = {}
    for name, spec in STAFF_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(spec))
        groups[name] = group
    return groups
