"""In Chromium: the national analyst's pages (docs/national.md), each checked by axe-core: the ranked table
and the map of France, the regions, one département's breakdowns, the API's documentation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from parcours.core.roles import Role
from tests.national.helpers import PEOPLE, store

from .conftest import SCREENSHOTS, Screenshots
from .test_frame import log_in

pytestmark = pytest.mark.browser

FIGURES = [
    ("69", "Rhône", 64),
    ("13", "Bouches-du-Rhône", 120),
    ("59", "Nord", 95),
    ("75", "Paris", 210),
    ("33", "Gironde", 48),
    ("31", "Haute-Garonne", 57),
    ("44", "Loire-Atlantique", 33),
    ("67", "Bas-Rhin", 0),
    ("38", "Isère", None),
    ("2A", "Corse-du-Sud", None),
    ("974", "La Réunion", 26),
]


@pytest.fixture(scope="module")
def screenshot():
    return Screenshots(SCREENSHOTS / "national")


def test_the_analyst_reads_ranking_map_regions_and_a_departement(web, screenshot, actors):
    year = max(store(code=code, name=name, active=active).year for code, name, active in FIGURES)
    page = web.new_page()
    log_in(page, actors[Role.NATIONAL_ANALYST].user.username)
    expect(page).to_have_url(re.compile(r"/national/$"))
    expect(page.get_by_test_id("national-sent")).to_contain_text("11 départements sur 101")
    table = page.get_by_test_id("national-ranking")
    expect(table.locator("tbody tr").first).to_contain_text("75 — Paris")
    expect(table.locator("tr[data-code='38'] td").last).to_have_text("secret")
    expect(page.get_by_test_id("national-sum")).to_contain_text(
        "Somme des chiffres publiés : 653 (9 départements)"
    )
    expect(page.get_by_role("img", name=re.compile("Carte de France par département"))).to_be_visible()
    screenshot(page, "classement-et-carte")

    page.get_by_role("link", name="Régions").click()
    expect(page.get_by_role("heading", level=1, name="Statistiques nationales par région")).to_be_visible()
    expect(page.locator("tr[data-region='84']")).to_contain_text("64")
    screenshot(page, "regions")

    page.goto(f"/national/departements/69/{year}/?indicateur={PEOPLE}")
    expect(page.get_by_test_id("breakdown-table")).to_contain_text("Femme")
    screenshot(page, "departement")

    page.goto("/national/")
    page.get_by_role("link", name="API").click()
    expect(page.get_by_test_id("api-operation").first).to_be_visible()
    screenshot(page, "api")
    assert not web.console_errors
