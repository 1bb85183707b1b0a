"""axe-core on every main page of every role, on what `make run` builds.

The demo département is built into the live server's database (`seed_demo`, as `make run` does); one demo
account per role logs in through the login page and walks, breadth-first, every page its links reach (one
page per URL pattern: the first person's file stands for every file), and axe-core checks each one. A
serious or critical violation fails any browser test (tests/browser/a11y.py); on these main pages every
violation fails, whatever its impact. Every violation found is written to test-artefacts/axe/. The pages
each role reached are listed in test-artefacts/axe/pages-<account>.txt.
"""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError

from parcours.demo.generator import ACCOUNTS
from tests.browser.a11y import ARTEFACTS, record, violations

pytestmark = pytest.mark.browser

PASSWORD = "Demo-Parcours-2026!"
MAX_PAGES_PER_ACCOUNT = 150
# Links that end the session, download a file or act at once are not followed (acts are POST forms; these
# are the GET links that start a download or leave the application).
NOT_FOLLOWED = re.compile(
    r"(deconnexion|/static/|/media/|\.pdf$|\.csv$|\.ics$|\.xlsx$|\.ods$|\.zip$|telecharger|/fichier|"
    r"calculateur-cles-hors-ligne)",
    re.IGNORECASE,
)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# The least a role must reach for the walk to mean something (a login that failed reaches one page).
AT_LEAST = {"ddfe": 25, "escale": 10, "prefet": 8, "membre": 5, "admin": 5}


def pattern(path: str) -> str:
    return UUID.sub("<id>", path)


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


def walk(page, base: str) -> tuple[list[str], list[str]]:
    """Breadth-first over the same-origin links; returns the patterns checked and the failures."""
    host = urlsplit(base).netloc
    seen: set[str] = set()
    checked: list[str] = []
    problems: list[str] = []
    queue = ["/"]
    while queue and len(checked) < MAX_PAGES_PER_ACCOUNT:
        url = queue.pop(0)
        path = urlsplit(url).path
        if pattern(path) in seen:
            continue
        seen.add(pattern(path))
        try:
            response = page.goto(url)
        except PlaywrightError:  # a download, not a page
            continue
        if (
            response is None
            or response.status != 200
            or "text/html" not in response.headers.get("content-type", "")
        ):
            continue
        found = violations(page)
        record(page, found)
        # Here every violation counts, whatever its impact: the main pages stay at 0.
        problems += [f"{pattern(path)} — {v['impact']} {v['id']}: {v['help']}" for v in found]
        checked.append(pattern(urlsplit(page.url).path))
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            parts = urlsplit(href)
            if (
                parts.netloc == host
                and not NOT_FOLLOWED.search(parts.path)
                and pattern(parts.path) not in seen
            ):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return checked, problems


def test_every_main_page_of_every_role_passes_axe(web, demo):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    failures = []
    one_account_per_role = {role: username for username, _, _, _, role in reversed(ACCOUNTS)}
    for username in one_account_per_role.values():
        page = web.new_page()
        page.goto("/compte/connexion/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert "/compte/connexion/" not in page.url, f"{username} n'a pas pu se connecter"
        checked, problems = walk(page, web.base_url)
        (ARTEFACTS / f"pages-{username}.txt").write_text("".join(f"{p}\n" for p in checked))
        assert len(checked) >= AT_LEAST.get(username, 2), (username, checked)
        failures += [f"{username}: {p}" for p in problems]
        page.context.close()
    assert not failures, "axe-core :\n" + "\n".join(failures)
