"""In Chromium: a Mission Locale records an online outreach round with an inconsistent count (the error is in
view and focused, nothing saved), corrects it and finds it in its list; the secretariat reads the collèges'
coverage of prevention."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parcours.actions.models import OutreachRound
from tests.factories import EstablishmentFactory, PreventionActionFactory

from .conftest import SCREENSHOTS, Screenshots
from .test_errors_in_view import log_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def screenshot():
    return Screenshots(SCREENSHOTS / "actions")


def test_an_online_round_refused_then_corrected_and_the_coverage_of_colleges(
    web, screenshot, actors, association
):
    page = web.new_page()
    log_in(page, actors["partner_advisor"].user.username)
    page.get_by_role("link", name="Actions").first.click()
    expect(page.get_by_role("heading", level=1, name="Actions du réseau")).to_be_visible()
    page.get_by_test_id("kind-outreach").click()
    page.get_by_test_id("create").click()

    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    page.get_by_label("Date", exact=True).fill(yesterday.isoformat())
    page.locator("label[for=id_outreach_kind_1]").click()  # DSFR draws the radio in its label
    page.get_by_label("Durée (minutes)").fill("120")
    page.get_by_label("Type de plateforme").select_option("ad_site")
    page.get_by_label("Annonces ou profils consultés").fill("40")
    page.get_by_label("Contacts établis").fill("5")
    page.get_by_label("Personnes rencontrées").fill("8")  # more than the contacts: refused
    page.locator("label[for=id_outreach_needs_0]").click()
    page.get_by_test_id("submit").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(page).to_have_title(re.compile(r"^Erreur : "))
    expect(summary).to_contain_text(
        "Les personnes rencontrées (8) ne peuvent pas dépasser les contacts établis (5)."
    )
    screenshot(page, "maraude-incoherente")
    assert not OutreachRound.objects.exists()

    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Personnes rencontrées")).to_be_focused()
    page.get_by_label("Personnes rencontrées").fill("3")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("item-detail")).to_contain_text("Maraude numérique")
    screenshot(page, "maraude-enregistree")
    page.get_by_role("link", name="Maraudes").first.click()
    table = page.get_by_test_id("item-table")
    expect(table.locator("caption")).to_contain_text("Maraudes en")
    expect(table).to_contain_text(actors["partner_advisor"].organisation.name)
    screenshot(page, "liste-des-maraudes")
    assert OutreachRound.objects.get().people_met == 3

    # The secretariat: 4 collèges in the list, 3 reached this school year.
    colleges = [EstablishmentFactory(departement=association.departement) for _ in range(4)]
    action = PreventionActionFactory(organisation=association, held_on=timezone.localdate())
    action.establishments.set(colleges[:3])
    secretariat = web.new_page()
    log_in(secretariat, actors["secretariat"].user.username)
    secretariat.get_by_role("button", name="Réseau").click()  # the secretariat's network pages, one menu
    secretariat.get_by_role("link", name="Actions").first.click()
    secretariat.get_by_test_id("coverage-link").click()
    expect(secretariat.get_by_test_id("coverage-summary")).to_contain_text("3 collèges sur 4")
    expect(secretariat.get_by_test_id("coverage-table").locator("caption")).to_contain_text("année scolaire")
    screenshot(secretariat, "couverture-des-colleges")
    assert not web.console_errors
