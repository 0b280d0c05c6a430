"""notifications is a leaf: the apps that notify import it, it imports none of them."""

import ast
from pathlib import Path

from django.conf import settings

HIGHER_APPS = {"accounts", "stores", "shop", "inventory", "loyalty", "returns", "config"}


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def test_notifications_imports_no_other_app_of_ours():
    folder = Path(settings.BASE_DIR) / "notifications"
    files = sorted(folder.rglob("*.py"))
    assert files
    offending = {
        f"{path.relative_to(folder)}: {module}"
        for path in files
        for module in imported_modules(path)
        if module.split(".")[0] in HIGHER_APPS
    }
    assert not offending
