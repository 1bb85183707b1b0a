"""In headless Chromium: the end of a pathway decided by the prefect is a numbered act of the register.

Set up with services (an authorised pathway with the AFIS granted and a residence permit asked for; the
procedure in which the person is heard: its notice handed over, her observations presented, the
commission's opinion where the setting asks for it), then through the browser: the secretariat
opens « Fin décidée par le préfet » from the pathway (no draft form there: the procedure is the way), goes
to the procedure, sends the decision without reasons (the error summary is in view and focused), then takes
the reasoned decision after its confirmation; the signatory finds the draft on its board, signs after the
confirmation that says what will happen; the act has its number, the notice's day and three letters; the
association finds the person's letter to hand over.

Screenshots: test-artefacts/screenshots/fin-NN-*.png (each page also checked by axe-core).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from parcours.appeals import services as appeals
from parcours.appeals.models import Procedure, ProcedureKind, ProcedureState
from parcours.commission.models import PrefectDecision
from parcours.pathways import services as psp
from parcours.pathways.models import Afis, PathwayState
from tests.browser.a11y import shoot as shoot_and_check
from tests.conftest import drive_to_decision
from tests.factories import PersonFactory

from .conftest import SCREENSHOTS
from .test_happy_path import check_page, expect_message, log_in
from .test_portal import actor_named

pytestmark = pytest.mark.browser

MOTIVE = "Les engagements du parcours ne sont plus tenus depuis quatre mois malgré trois relances écrites."


def shoot(page: Page, name: str, count=[0]) -> None:  # noqa: B006 (a counter across calls)
    count[0] += 1
    shoot_and_check(page, SCREENSHOTS / f"fin-{count[0]:02d}-{name}.png")


def test_the_prefect_ends_a_pathway_by_a_numbered_act(web, psp_world):
    names = psp_world.usernames
    actors = {
        "association_worker": actor_named(names["association"]),
        "secretariat": actor_named(names["secretariat"]),
        "signatory": actor_named(names["signatory"]),
    }
    person = PersonFactory(organisation=psp_world.association, created_by=actors["association_worker"].user)
    pathway = psp.start_pathway(actor=actors["association_worker"], person=person)
    drive_to_decision(actors, pathway, day=timezone.localdate() - timedelta(days=40))
    start = pathway.periods.get().start
    psp.grant_afis(
        actor=actors["secretariat"],
        afis=Afis.objects.get(pathway=pathway),
        granted_on=start,
        start=start,
        paying_body="MSA fictive",
        dependent_children=0,
    )

    notice_day = timezone.localdate()
    procedure = appeals.start_procedure(
        actor=actors["secretariat"], kind=ProcedureKind.END, grounds=MOTIVE, pathway=pathway
    )
    procedure = appeals.record_notice_handover(
        actor=actors["association_worker"],
        procedure=procedure,
        day=notice_day,
        acknowledgement=Procedure.Acknowledgement.SIGNED_RECEIPT,
    )
    procedure = appeals.record_observations(
        actor=actors["secretariat"],
        procedure=procedure,
        day=notice_day,
        text="La personne explique ses absences par un problème de garde d'enfant.",
    )
    if procedure.state == ProcedureState.OPINION:
        procedure = appeals.record_procedure_opinion(
            actor=actors["secretariat"],
            procedure=procedure,
            opinion=Procedure.Opinion.FAVOURABLE,
            day=timezone.localdate(),
        )

    sec = web.new_page()
    log_in(sec, names["secretariat"])
    sec.goto(f"/parcours/{pathway.public_id}/decisions-et-fin/#fin")
    sec.get_by_test_id("end-decision-link").click()
    expect(sec.get_by_role("heading", level=1)).to_have_text("Fin du parcours décidée par le préfet")
    expect(sec.get_by_test_id("end-through-procedure")).to_contain_text("procédure contradictoire")
    check_page(sec)
    shoot(sec, "deux-voies")
    sec.goto(f"/recours/procedures/{procedure.public_id}/#decision")
    # The reasons start from the notice's grounds; emptied: refused, the summary in view and focused.
    sec.get_by_label("Motifs de la décision").first.fill("")
    sec.get_by_test_id("decide-procedure").click()
    summary = sec.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    assert sec.title().startswith("Erreur : ")
    assert not PrefectDecision.objects.exists()
    sec.get_by_label("Motifs de la décision").first.fill(MOTIVE)
    sec.get_by_test_id("decide-procedure").click()
    sec.get_by_role("button", name="Oui, prendre la décision").click()
    expect_message(sec, "Décision de fin préparée : elle attend la signature du préfet.")
    shoot(sec, "projet")
    assert PrefectDecision.objects.get().hearing_notice_on == notice_day

    prefect = web.new_page()
    log_in(prefect, names["signatory"])
    prefect.get_by_role("link", name="Décision préparée : fin du parcours").first.click()
    prefect.get_by_test_id("sign-decision").click()
    expect(prefect.get_by_role("heading", level=1)).to_contain_text("Signer la décision de fin du parcours")
    expect(prefect.locator("main")).to_contain_text("prend fin à cette date")
    expect(prefect.locator("main")).to_contain_text("L'AFIS cesse d'être versée à compter du mois suivant")
    shoot(prefect, "confirmation-signature")
    assert PrefectDecision.objects.get().state == PrefectDecision.State.DRAFT  # nothing yet
    prefect.get_by_role("button", name="Oui, signer la décision").click()
    number = f"{timezone.localdate().year}-0001"
    expect_message(prefect, f"Décision n° {number} signée")
    for addressee in ("person", "afis_payer", "immigration"):
        expect(prefect.get_by_test_id(f"letter-{addressee}")).to_be_visible()
    expect(prefect.get_by_test_id("decision-hearing")).to_contain_text(f"{notice_day:%d/%m/%Y}")
    shoot(prefect, "signee")
    pathway.refresh_from_db()
    assert pathway.state == PathwayState.ENDED

    asso = web.new_page()
    log_in(asso, names["association"])
    expect(asso.locator("main")).to_contain_text(f"Courrier de la décision n° {number} (fin du parcours)")
    asso.goto(f"/parcours/{pathway.public_id}/decisions-et-fin/#fin")
    expect(asso.get_by_test_id("end-decision")).to_contain_text(f"n° {number} signée")
    expect(asso.get_by_test_id("end-person-letter")).to_be_visible()
    shoot(asso, "association-courrier")
    assert not web.console_errors, web.console_errors
