"""End to end, in headless Chromium: a Mission Locale advisor finds whom to call in one search, then reads its
own dashboard under statistical secrecy.

Set up with factories: département 99, a Mission Locale with 7 minors and 20 young adults detected this
month, a directory with the CRIP, an interpreters' service and a SIAO; the dashboard's measures are the test
measures of tests/stats (the apps' own measures are declared elsewhere). In the browser, the advisor types
« crip » in the directory's search box and finds the CRIP (with what to send it), then « mineur », then opens
« Tableau de bord »: the 7 minors show as « secret » and the chart comes with the table of its figures.

Screenshots: test-artefacts/screenshots/NN-annuaire-*.png and NN-tableau-de-bord-*.png.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from parcours.core.models import OrganisationKind
from parcours.core.roles import Role
from parcours.referrals.models import AgeBand

from ..factories import (
    DepartementFactory,
    DetectionFactory,
    DirectoryEntryFactory,
    MembershipFactory,
    OrganisationFactory,
)
from ..stats.conftest import test_measures  # noqa: F401 (fixture)
from .test_happy_path import check_page, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def network(transactional_db, test_measures):  # noqa: F811
    departement = DepartementFactory(code="99")
    mission_locale = OrganisationFactory(
        departement=departement, kind=OrganisationKind.MISSION_LOCALE, name="Mission locale de Villefictive"
    )
    MembershipFactory(
        organisation=mission_locale,
        role=Role.PARTNER_ADVISOR,
        user__username="conseillere.ml",
        user__first_name="Camille",
        user__last_name="Conseillère",
    )
    today = timezone.localdate()
    for n, band in ((7, AgeBand.FROM_15_TO_17), (20, AgeBand.FROM_18_TO_21)):
        DetectionFactory.create_batch(
            n, organisation=mission_locale, departement=departement, detected_on=today, age_band=band
        )
    DirectoryEntryFactory(
        departement=departement,
        category="crip",
        name="CRIP 99 — Cellule de recueil des informations préoccupantes",
        contact_function="Cadre de permanence",
        phone="01 99 00 10 10",
        email="crip@demo.invalid",
        what_to_send="Toute information préoccupante concernant un mineur en danger.",
        audience="minors",
    )
    DirectoryEntryFactory(
        departement=departement,
        category="interpreter",
        name="Interprétariat fictif",
        what_to_send="Réserver un interprète.",
        languages="roumain, anglais",
        audience="both",
    )
    DirectoryEntryFactory(
        departement=departement,
        category="siao",
        name="SIAO 99",
        what_to_send="Hébergement d'un jeune majeur.",
        audience="adults",
    )
    return mission_locale


def test_a_mission_locale_advisor_finds_whom_to_call_then_reads_its_dashboard(web, network, screenshot):
    page: Page = web.new_page()
    log_in(page, "conseillere.ml")

    page.locator("#menu-principal").get_by_role("link", name="Annuaire").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1, name="Annuaire du réseau")).to_be_visible()
    expect(page.locator("#menu-principal").get_by_role("link", name="Annuaire")).to_have_attribute(
        "aria-current", "page"
    )

    page.get_by_label("Rechercher").fill("crip")
    page.get_by_test_id("directory-submit").click()
    entries = page.get_by_test_id("directory-entry")
    expect(entries).to_have_count(1)
    crip = entries.first
    expect(crip.get_by_role("heading", level=3)).to_have_text(
        "CRIP 99 — Cellule de recueil des informations préoccupantes"
    )
    expect(crip).to_contain_text("01 99 00 10 10")
    expect(crip).to_contain_text("Toute information préoccupante concernant un mineur en danger.")
    expect(page.get_by_test_id("directory-count")).to_contain_text("pour « crip »")
    # A partner reads; it neither adds nor edits.
    expect(page.get_by_test_id("directory-create")).to_have_count(0)
    expect(crip.get_by_role("link", name="Modifier")).to_have_count(0)
    screenshot(page, "annuaire-recherche-crip")

    page.get_by_label("Rechercher").fill("MINEUR")
    page.get_by_test_id("directory-submit").click()
    expect(page.get_by_test_id("directory-entry")).to_have_count(1)
    expect(page.get_by_test_id("directory-national")).to_contain_text("119")
    expect(page.get_by_test_id("directory-entries")).not_to_contain_text("SIAO 99")
    screenshot(page, "annuaire-recherche-mineur")

    page.locator("#menu-principal").get_by_role("link", name="Tableau de bord").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tableau de bord : Mission locale de Villefictive — Repérage, protection et orientation"
    )
    expect(page.get_by_test_id("dashboard-secrecy")).to_be_visible()
    section = page.locator('[data-code="referrals.zz_detections"]')
    expect(section.get_by_test_id("value-current")).to_have_text("27")
    expect(section.get_by_test_id("section-chart")).to_be_visible()
    months = section.locator('[data-by="month"]')
    expect(months.locator("caption")).to_contain_text("(chiffres du graphique)")
    expect(section.locator('[data-by="age_band"]')).to_have_count(0)  # on the indicator's page
    expect(section.get_by_test_id("section-summary")).to_contain_text("Repérages (test) en")
    expect(page.get_by_test_id("dashboard-unavailable")).to_contain_text("Retours de la CRIP (test)")
    screenshot(page, "tableau-de-bord-partenaire")
    # The other domain of its own activity, then back.
    page.get_by_test_id("dashboard-domains").get_by_role("link", name="Actions du réseau").click()
    expect(page.get_by_test_id("dashboard-domain")).to_have_text("— Actions du réseau")
    page.get_by_test_id("dashboard-domains").get_by_role(
        "link", name="Repérage, protection et orientation"
    ).click()

    # Every table of one indicator on its own page: the same figures, the small count still secret.
    page.locator('[data-code="referrals.zz_detections"]').get_by_test_id("indicator-link").get_by_role(
        "link"
    ).click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Repérages (test)")
    ages = page.locator('[data-by="age_band"]')
    expect(ages.get_by_role("row", name="15 à 17 ans")).to_contain_text("secret")
    expect(ages.get_by_role("row", name="Moins de 15 ans")).to_contain_text("0")
    expect(page.get_by_test_id("value-current")).to_have_text("27")
    screenshot(page, "indicateur-partenaire")
    page.get_by_role("navigation", name="vous êtes ici :").get_by_role("link").first.click()
    expect(page.get_by_test_id("dashboard-domain")).to_have_text("— Repérage, protection et orientation")

    # The organisation in the address does not widen the scope: still its own figures.
    page.goto(f"/tableaux-de-bord/?organisation={network.public_id}&annee=abc")
    expect(page.get_by_test_id("form-errors")).to_contain_text("Choisissez une année de la liste")
    screenshot(page, "tableau-de-bord-annee-invalide")
    assert web.console_errors == []
