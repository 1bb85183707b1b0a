"""In headless Chromium: an association of département 99 applies for an agrément valid in 69 too; the 69
secretariat finds the file on its board, names the association's establishment there and gives its reasoned
opinion (confirmed first); the seat's secretariat declares the file complete and records the prefect's
decision; the establishment then files a PSP request in 69 under that agrément. Synthetic names only."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parcours.approvals.models import AgrementApplication, ApplicationState
from parcours.core.models import OrganisationKind
from parcours.core.roles import Role
from parcours.pathways import services as psp
from parcours.pathways.models import Request
from parcours.people.models import Person
from tests.approvals import helpers as h
from tests.conftest import complete_request

from ..factories import DepartementFactory, MembershipFactory, OrganisationFactory, PersonFactory
from .conftest import SCREENSHOTS, Screenshots
from .test_happy_path import check_page, choose, expect_message, form_of, log_in, tick

pytestmark = pytest.mark.browser


def _member(organisation, role, username):
    return MembershipFactory(
        organisation=organisation, role=role, user__username=username, user__last_name=username.title()
    )


def test_multi_departement_agrement_then_a_request_in_the_second_departement(web, transactional_db):
    shots = Screenshots(SCREENSHOTS / "agrement-multi-departement")
    seat = DepartementFactory(code="99", name="Département de démonstration")
    other = DepartementFactory(code="69", name="Rhône fictif")
    association = OrganisationFactory(
        departement=seat, kind=OrganisationKind.ASSOCIATION, name="Association Trait d'Union fictive"
    )
    antenna = OrganisationFactory(
        departement=other, kind=OrganisationKind.ASSOCIATION, name="Trait d'Union fictive — antenne du Rhône"
    )
    manager = _member(association, Role.ASSOCIATION_MANAGER, "resp.traitdunion")
    _member(OrganisationFactory(departement=seat, prefecture=True), Role.SECRETARIAT, "ddfe.siege")
    _member(OrganisationFactory(departement=other, prefecture=True), Role.SECRETARIAT, "ddfe.rhone")
    antenna_worker = _member(antenna, Role.ASSOCIATION_WORKER, "intervenante.rhone")
    _member(antenna, Role.ASSOCIATION_MANAGER, "resp.rhone")
    # The file's pieces are uploaded beforehand (their upload is walked in test_happy_path).
    from parcours.core.access import Actor

    application = h.fill(Actor(manager.user, manager), h.draft(Actor(manager.user, manager)))

    # --- The association names 69 in its file and sends it to the seat's prefecture ------------------------
    asso = web.new_page()
    log_in(asso, "resp.traitdunion")
    asso.goto(f"/agrements/demande/{application.public_id}/")
    check_page(asso)
    info = form_of(asso, "save-info")
    tick(info, "69 — Rhône fictif")
    info.get_by_test_id("save-info").click()
    expect_message(asso, "Informations du dossier enregistrées.")
    expect(asso.get_by_test_id("listed-69")).to_contain_text("Demandé au dépôt du dossier")
    asso.get_by_test_id("submit-application").click()
    expect(asso.get_by_test_id("application-state")).to_have_text("Déposée, en instruction")
    shots(asso, "association-demande-deposee")

    # --- The 69 secretariat: the file is on its board; establishment, then the opinion -------------------
    rhone = web.new_page()
    log_in(rhone, "ddfe.rhone")
    board = rhone.get_by_test_id("board-approvals_other_opinions")
    expect(board).to_contain_text("Association Trait d'Union fictive (siège : 99)")
    shots(rhone, "rhone-tableau-avis-demande")
    board.get_by_role("link").filter(has_text="Trait d'Union").first.click()
    check_page(rhone)
    expect(rhone.locator("h1")).to_contain_text("Association Trait d'Union fictive")
    establishment = form_of(rhone, "establishment")
    establishment.get_by_label("Établissement de l'association dans le département").select_option(
        label="Trait d'Union fictive — antenne du Rhône"
    )
    establishment.get_by_test_id("establishment").click()
    expect_message(rhone, "Établissement de l'association rattaché.")
    opinion = form_of(rhone, "other-opinion")
    choose(opinion, "Favorable")
    opinion.get_by_label("Date de l'avis").fill(timezone.localdate().isoformat())
    opinion.get_by_label("Motif").fill("Antenne implantée depuis 2019, partenaires locaux identifiés.")
    opinion.get_by_test_id("other-opinion").click()
    expect(rhone.get_by_test_id("confirm-consequences")).to_contain_text("Il ne pourra plus être modifié")
    shots(rhone, "rhone-confirmer-avis")
    rhone.get_by_test_id("confirm-submit").click()
    expect_message(rhone, "Avis du département enregistré")
    expect(rhone.get_by_test_id("listed-69")).to_contain_text("Favorable")

    # --- The seat's secretariat: complete, then the prefect's decision it records --------------------------
    sec = web.new_page()
    log_in(sec, "ddfe.siege")
    sec.goto(f"/agrements/demande/{application.public_id}/")
    expect(sec.get_by_test_id("listed-69")).to_contain_text("Favorable")
    sec.get_by_test_id("mark-complete").click()
    expect_message(sec, "Dossier déclaré complet.")
    decision = form_of(sec, "record-decision")
    choose(decision, "Agrément accordé")
    decision.get_by_label("Référence de l'arrêté").fill("ARR-99-2026-042")
    decision.get_by_test_id("record-decision").click()
    expect(sec.get_by_test_id("application-state")).to_have_text("Agrément accordé")
    shots(sec, "siege-agrement-accorde")
    application.refresh_from_db()
    assert application.state == ApplicationState.GRANTED
    assert AgrementApplication.objects.get(pk=application.pk).listed_departements.get().agrement_id

    # --- The antenna in 69 files a PSP request under the agrément granted at the seat ---------------------
    person = PersonFactory(organisation=antenna, created_by=antenna_worker.user)
    worker = Actor(antenna_worker.user, antenna_worker)
    pathway = psp.start_pathway(actor=worker, person=person)
    complete_request(worker, pathway)
    resp = web.new_page()
    log_in(resp, "resp.rhone")
    resp.goto("/agrements/mon-agrement/")
    expect(resp.get_by_test_id("agrement-elsewhere")).to_contain_text("préfecture du siège (99)")
    shots(resp, "antenne-agrement-du-siege")
    resp.goto(f"/parcours/{pathway.public_id}/")
    check_page(resp)
    expect(resp.get_by_test_id("request-complete")).to_be_visible()
    resp.get_by_test_id("submit-request").click()
    expect_message(resp, "Demande transmise au secrétariat de la commission.")
    shots(resp, "antenne-demande-transmise")
    request = Request.objects.get(pathway=pathway)
    assert request.submitted_on is not None and request.departement == other
    assert Person.objects.get(pk=person.pk).departement == other
