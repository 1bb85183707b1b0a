"""docs/environnement.md names every environment variable the settings and the code read: a variable added
to config/settings/*.py (env(...), env.bool(...), os.environ...) or to a command-line tool without its line in
the doc fails here."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READERS = {"env", "os.environ.get", "os.getenv", "environ.get"}


def variables_read() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted([*(ROOT / "config").rglob("*.py"), *(ROOT / "parcours").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text())):
            name = None
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                func = ast.unparse(node.func)
                if func in READERS or func.startswith("env."):
                    name = node.args[0].value
            elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
                if isinstance(node.slice, ast.Constant):
                    name = node.slice.value
            elif isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant):
                if any(ast.unparse(c) == "os.environ" for c in node.comparators):  # "X" in os.environ
                    name = node.left.value
            if isinstance(name, str) and name.isupper():
                found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def test_the_scan_finds_the_settings_variables():
    found = variables_read()
    assert {"DATABASE_URL", "PARCOURS_FIELD_KEYS", "SENTRY_DSN", "CI"} <= set(found)


def test_every_variable_read_is_documented():
    doc = (ROOT / "docs" / "environnement.md").read_text()
    missing = {name: where for name, where in variables_read().items() if f"`{name}`" not in doc}
    assert not missing, f"à documenter dans docs/environnement.md : {missing}"
