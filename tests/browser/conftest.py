"""Browser tests: pytest-django's live server driven by Playwright in Debian's headless Chromium.

Screenshots are kept under test-artefacts/screenshots/ (git-ignored). Without /usr/bin/chromium the tests
are skipped, except in CI (CI=true) where a missing browser is a failure.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management.color import no_style
from django.db import connection

from parcours.core.models import OrganisationKind
from parcours.core.roles import Role

from ..factories import AgrementFactory, DepartementFactory, MembershipFactory, OrganisationFactory
from .a11y import shoot

# Playwright's sync API runs an asyncio event loop in the test thread: Django would refuse the ORM calls
# the test itself makes (factories, assertions) without this.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts"
SCREENSHOTS = ARTEFACTS / "screenshots"
EXPECT_TIMEOUT_MS = 10_000


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def _unavailable(reason: str):
    if in_ci():
        pytest.fail(f"{reason} (CI=true: the browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:  # pragma: no cover - playwright is a dev dependency
        _unavailable("Playwright for Python is not installed (pip install -e '.[dev]')")
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


@dataclass
class Session:
    """Open one browser context per user (its own cookies), collect console errors from all of them."""

    browser: object
    base_url: str
    console_errors: list[str] = field(default_factory=list)
    contexts: list = field(default_factory=list)

    def new_page(self):
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport={"width": 1280, "height": 900},
            locale="fr-FR",
            timezone_id="Europe/Paris",
        )
        context.set_default_timeout(EXPECT_TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda msg: (
                msg.type == "error" and self.console_errors.append(f"{page.url}: {msg.text} @ {msg.location}")
            ),
        )
        page.on("pageerror", lambda exc: self.console_errors.append(f"{page.url}: uncaught {exc}"))
        return page

    def close(self, name: str):
        for context in self.contexts:
            context.close()
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        (ARTEFACTS / f"console-errors-{name}.txt").write_text(
            "".join(f"{line}\n" for line in self.console_errors)
        )


@pytest.fixture
def web(browser, live_server, request):
    session = Session(browser=browser, base_url=live_server.url)
    yield session
    session.close(request.node.name)


class Screenshots:
    """Numbered full-page screenshots: 01-name.png, 02-name.png, ..., each page also checked by axe-core."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.count = 0
        self.taken: list[str] = []
        directory.mkdir(parents=True, exist_ok=True)
        for old in directory.glob("[0-9][0-9]-*.png"):
            old.unlink()

    def __call__(self, page, name: str) -> Path:
        self.count += 1
        path = self.directory / f"{self.count:02d}-{name}.png"
        shoot(page, path)  # and axe-core on the page
        self.taken.append(path.name)
        return path


@pytest.fixture
def screenshot():
    return Screenshots(SCREENSHOTS)


@dataclass
class PspWorld:
    departement: object
    association: object
    prefecture: object
    usernames: dict[str, str]


@pytest.fixture
def psp_world(transactional_db):
    """Département 99, an approved association, a prefecture, and one user per role of the walk."""
    departement = DepartementFactory(code="99")
    association = OrganisationFactory(
        departement=departement, kind=OrganisationKind.ASSOCIATION, name="Association L'Escale fictive"
    )
    AgrementFactory(organisation=association)
    prefecture = OrganisationFactory(departement=departement, prefecture=True, name="Préfecture fictive")
    people = {
        "association": (association, Role.ASSOCIATION_WORKER, "intervenante.escale", "Inès", "Intervenante"),
        "secretariat": (prefecture, Role.SECRETARIAT, "secretariat.ddfe", "Sacha", "Secrétaire"),
        "signatory": (prefecture, Role.SIGNATORY, "signataire.prefet", "Paul", "Signataire"),
    }
    usernames = {}
    for key, (organisation, role, username, first_name, last_name) in people.items():
        MembershipFactory(
            organisation=organisation,
            role=role,
            user__username=username,
            user__first_name=first_name,
            user__last_name=last_name,
        )
        usernames[key] = username
    return PspWorld(
        departement=departement, association=association, prefecture=prefecture, usernames=usernames
    )


@pytest.fixture(autouse=True)
def _flushable_on_sqlite(transactional_db):
    """After each browser test (transactional: the live server needs committed rows), empty the tables the
    way Django's flush is about to, with SQLite's append-only triggers (audit log, frozen documents...)
    lifted for that moment and put back from their own SQL. Otherwise the flush fails on SQLite and leaves
    the rows to the next transactional test. PostgreSQL's flush truncates, which row triggers do not see."""
    yield
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL")
        triggers = cursor.fetchall()
        for name, _ in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
            connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))
        finally:
            for _, sql in triggers:
                cursor.execute(sql)
