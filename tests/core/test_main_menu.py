"""The main menu is rendered once per (permissions, section) and process: it may read nothing else."""

import re
from pathlib import Path

from django.conf import settings

MENU = Path(settings.BASE_DIR) / "parcours" / "templates" / "includes" / "main_menu.html"


def _templates_of_the_menu() -> list[Path]:
    """The menu and every template it includes."""
    found, todo = [], [MENU]
    while todo:
        path = todo.pop()
        found.append(path)
        for name in re.findall(r'{%\s*include\s+"([^"]+)"', path.read_text()):
            app, _, rest = name.partition("/")
            candidates = [
                Path(settings.BASE_DIR) / "parcours" / "templates" / name,
                Path(settings.BASE_DIR) / "parcours" / app / "templates" / name,
            ]
            todo.append(next(c for c in candidates if c.exists()))
    return found


def test_the_menu_reads_only_the_permissions_and_the_section():
    variables = set()
    for path in _templates_of_the_menu():
        text = path.read_text()
        text = re.sub(r"{% comment %}.*?{% endcomment %}", "", text, flags=re.S)
        for tag in re.findall(r"{%\s*(?:if|elif)\s+(.*?)%}", text):
            variables |= set(
                re.findall(r"(?<![\"'\w.])([a-z_][a-z_0-9]*)(?![\"'\w])", re.sub(r"\"[^\"]*\"", "", tag))
            )
        variables |= set(re.findall(r"{{\s*([a-z_][a-z_0-9]*)", text))
    assert variables - {"in", "not", "and", "or"} == {"allowed", "nav"}


def test_the_menu_marks_the_current_section(client, django_user_model):
    from parcours.core.templatetags.parcours_tags import main_menu

    html = main_menu({"allowed": {"pathways.list", "people.list"}, "nav": "pathways"})
    assert 'href="/parcours/" aria-current="page"' in html
    assert 'href="/personnes/" aria-current' not in html
    other = main_menu({"allowed": {"pathways.list", "people.list"}, "nav": "people"})
    assert 'href="/personnes/" aria-current="page"' in other and 'href="/parcours/" aria-current' not in other
