"""In headless Chromium: the duplicate warning at creation (focused, naming no other association), the
confirmation « Il s'agit d'une autre personne », the search by part of a first name without accents, and the
secretariat's merge from the list of probable duplicates through its confirmation page."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from parcours.core.models import OrganisationKind
from parcours.core.roles import Role
from parcours.people.models import Person

from ..factories import AgrementFactory, MembershipFactory, OrganisationFactory, PersonFactory
from .conftest import SCREENSHOTS, Screenshots
from .test_happy_path import check_page, log_in, tick

pytestmark = pytest.mark.browser

BIRTH = date(1993, 4, 17)


@pytest.fixture
def shots():
    return Screenshots(SCREENSHOTS / "doublons")


def fill_person(page: Page, last_name: str, first_name: str) -> None:
    page.get_by_label("Nom de naissance").fill(last_name)
    page.get_by_label("Prénom", exact=True).fill(first_name)
    page.get_by_label("Date de naissance").fill(BIRTH.isoformat())
    page.get_by_label("Sexe").select_option(label="Femme")
    page.get_by_label("Groupe de nationalité").select_option(label="Hors Union européenne")
    page.get_by_label("Hébergement").select_option(label="Hébergement d'urgence")
    page.get_by_label("Ressources").select_option(label="Aucune ressource")
    page.get_by_label("Couverture maladie").select_option(label="Aide médicale de l'État")
    page.get_by_label("Situation administrative").select_option(label="Sans titre de séjour")
    page.get_by_label("Enfants à charge").fill("0")
    page.get_by_label("Consentement à l'accompagnement recueilli le").fill(timezone.localdate().isoformat())


def test_duplicate_warning_confirmation_search_and_merge(web, psp_world, shots):
    other = OrganisationFactory(
        departement=psp_world.departement,
        kind=OrganisationKind.ASSOCIATION,
        name="Association Autre Rive fictive",
    )
    AgrementFactory(organisation=other)
    owner = MembershipFactory(organisation=other, role=Role.ASSOCIATION_WORKER)
    elsewhere = PersonFactory(
        organisation=other, created_by=owner.user, last_name="Quéméner", first_name="Rozenn", birth_date=BIRTH
    )

    # --- The association worker records a person another association already follows ---------------
    asso = web.new_page()
    log_in(asso, psp_world.usernames["association"])
    asso.goto("/personnes/nouvelle/")
    fill_person(asso, "QUEMENER", "Rozenn")
    asso.get_by_test_id("submit").click()
    warning = asso.get_by_test_id("duplicate-warning")
    expect(warning).to_be_visible()
    expect(warning).to_be_focused()
    expect(warning).to_contain_text("est peut-être déjà suivie dans le département")
    expect(warning).to_contain_text("secrétariat")
    page_text = asso.content()
    assert other.name not in page_text and elsewhere.pseudonym not in page_text
    expect(asso.get_by_test_id("duplicate-link")).to_have_count(0)
    check_page(asso)
    shots(asso, "association-doublon-possible")
    # Submitting again without ticking the box: the warning again, nothing saved.
    asso.get_by_test_id("submit").click()
    expect(asso.get_by_test_id("duplicate-warning")).to_be_visible()
    assert Person.objects.filter(organisation=psp_world.association).count() == 0
    # « Il s'agit d'une autre personne » (a namesake): created.
    tick(asso, "Il s'agit d'une autre personne")
    shots(asso, "association-autre-personne-confirmee")
    asso.get_by_test_id("submit").click()
    expect(asso.locator(".fr-alert").filter(has_text="Personne enregistrée sous le code")).to_be_visible()
    expect(asso.get_by_test_id("person-name")).to_have_text("QUEMENER Rozenn")
    mine = Person.objects.get(organisation=psp_world.association)

    # --- Search by the beginning of the first name, without its accent ---------------------------------
    asso.goto("/personnes/")
    asso.get_by_label("Nom, prénom ou alias").fill("roz")
    asso.get_by_role("button", name="Rechercher").click()
    table = asso.get_by_test_id("people-table")
    expect(table).to_contain_text(mine.pseudonym)
    expect(table).not_to_contain_text(elsewhere.pseudonym)  # never another association's file
    shots(asso, "association-recherche-par-prenom")

    # --- The secretariat sees the probable duplicate and merges ------------------------------------------
    sec = web.new_page()
    log_in(sec, psp_world.usernames["secretariat"])
    sec.goto("/personnes/")
    sec.get_by_test_id("duplicates-link").click()
    expect(sec.get_by_role("heading", level=1)).to_have_text("Doublons probables")
    group = sec.get_by_test_id("duplicate-group")
    expect(group).to_contain_text(elsewhere.pseudonym)
    expect(group).to_contain_text(mine.pseudonym)
    shots(sec, "secretariat-doublons-probables")
    sec.get_by_test_id("merge-link").click()
    expect(sec.get_by_test_id("merge-plan")).to_contain_text("Ce qui va se passer")
    check_page(sec)
    shots(sec, "secretariat-fusion-confirmation")
    sec.get_by_test_id("merge-confirm").click()
    expect(sec.locator(".fr-alert").filter(has_text="Fiches fusionnées")).to_be_visible()
    expect(sec.get_by_test_id("merged-records")).to_be_visible()
    shots(sec, "secretariat-fiche-fusionnee")
    merged = Person.objects.get(merged_into__isnull=False)
    assert merged.merged_into.merged_into is None
    assert not web.console_errors, web.console_errors
