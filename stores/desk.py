"""Which store an associate works at right now, for every desk page (pickup, returns, loyalty).

One rule and one session key, so a store chosen at one desk is the store of the others:

- a user who is not staff (`is_staff`) or works in no active store gets a 403: the desks are
  not for them at all;
- `?store=<code>` (or a posted `store`) picks one of their active stores and is remembered;
  a code that is not one of theirs is a 404, as if no such store existed;
- otherwise the remembered store, else the first of theirs by name.

The loyalty desk's lookup form posts its store as a form field: a store that is not theirs is a
form error there (400), and the one it accepts is remembered here like any other pick.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Store
from .selectors import staff_stores

SESSION_KEY = "desk_store_id"


def desk_stores(request) -> list[Store]:
    """The active stores the user may work a desk at, by name; PermissionDenied when none."""
    if not request.user.is_staff:
        raise PermissionDenied
    stores = list(staff_stores(user=request.user).active().order_by("name"))
    if not stores:
        raise PermissionDenied
    return stores


def desk_store_remember(request, store: Store) -> None:
    request.session[SESSION_KEY] = store.pk


def desk_store_remembered(request, stores: list[Store]) -> Store:
    """The store last picked at any desk if it is still one of `stores`, else the first."""
    remembered = request.session.get(SESSION_KEY)
    return next((s for s in stores if s.pk == remembered), stores[0])


def desk_store_for_request(request, stores: list[Store] | None = None) -> Store:
    """The store this associate works at now (see the module's rule)."""
    if stores is None:
        stores = desk_stores(request)
    wanted = request.GET.get("store") or request.POST.get("store")
    if not wanted:
        return desk_store_remembered(request, stores)
    store = next((s for s in stores if s.code == wanted), None)
    if store is None:
        raise Http404
    desk_store_remember(request, store)
    return store
