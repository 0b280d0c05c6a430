"""Print the apps' import graph and its cycles: `make graph`, or `python -m tests.app_graph [app …]`.

Every import counts, module level or inside a function; migrations and management commands are
left out (history and entry points), as in the layers contract of `make lint`.
"""

import sys

import grimp

APPS = [
    "config",
    "core",
    "accounts",
    "notifications",
    "legal",
    "stores",
    "shop.catalogue",
    "inventory",
    "loyalty",
    "shop.storefront",
    "shop.orders",
    "payments",
    "returns",
    "customers",
    "shop.demo",
    "insight",
]


def app_of(module: str, apps: list[str]) -> str | None:
    owners = [app for app in apps if module == app or module.startswith(app + ".")]
    return max(owners, key=len, default=None)


def edges(apps: list[str]) -> dict[str, set[str]]:
    graph = grimp.build_graph(*sorted({app.split(".")[0] for app in apps}))
    found: dict[str, set[str]] = {app: set() for app in apps}
    for module in graph.modules:
        source = app_of(module, apps)
        if source is None or ".migrations" in module or ".management" in module:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            target = app_of(imported, apps)
            if target is not None and target != source:
                found[source].add(target)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of apps that reach each other (strongly connected, more than one app)."""
    reach = {app: _reachable(graph, app) for app in graph}
    groups = {frozenset(b for b in graph if b in reach[a] and a in reach[b]) | {a} for a in graph}
    return sorted(sorted(group) for group in groups if len(group) > 1)


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, stack = set(), list(graph[start])
    while stack:
        app = stack.pop()
        if app not in seen:
            seen.add(app)
            stack.extend(graph[app])
    return seen


if __name__ == "__main__":
    apps = sys.argv[1:] or APPS
    graph = edges(apps)
    for app in apps:
        print(f"{app:16} -> {', '.join(sorted(graph[app])) or '-'}")
    print(f"{sum(map(len, graph.values()))} edges; cycles: {cycles(graph) or 'none'}")
