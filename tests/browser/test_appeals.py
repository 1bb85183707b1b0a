"""In headless Chromium: a refusal notified, appealed, annulled and re-examined (issue 14, item 1).

Set up with services: a request refused by a decision of the register. Through the browser: the association
records the day it handed the letter over (the notification date) and the pathway page shows the two-month
appeal deadline; the secretariat records a recours contentieux from the decision (first without the court's
number: the French error summary in view and focused, nothing recorded), records the judgment that annuls
the refusal (after the confirmation that says what will happen), finds the re-examination on its board and
opens it: the request is back, ready for the commission.

Screenshots: test-artefacts/screenshots/recours-NN-*.png (each page also checked by axe-core).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from parcours.appeals import rules
from parcours.appeals.models import Appeal
from parcours.pathways import services as psp
from parcours.pathways.models import PathwayState, RequestState
from tests.appeals.conftest import refuse_in_register
from tests.browser.a11y import shoot as shoot_and_check
from tests.factories import PersonFactory

from .conftest import SCREENSHOTS
from .test_happy_path import check_page, choose, expect_message, log_in
from .test_portal import actor_named

pytestmark = pytest.mark.browser


def shoot(page: Page, name: str, count=[0]) -> None:  # noqa: B006 (a counter across calls)
    count[0] += 1
    shoot_and_check(page, SCREENSHOTS / f"recours-{count[0]:02d}-{name}.png")


def test_a_refusal_notified_appealed_annulled_and_reexamined(web, psp_world):
    names = psp_world.usernames
    actors = {
        "association_worker": actor_named(names["association"]),
        "secretariat": actor_named(names["secretariat"]),
        "signatory": actor_named(names["signatory"]),
    }
    person = PersonFactory(organisation=psp_world.association, created_by=actors["association_worker"].user)
    pathway = psp.start_pathway(actor=actors["association_worker"], person=person)
    today = timezone.localdate()
    decision = refuse_in_register(actors, pathway, day=today - timedelta(days=6))
    letter = decision.letters.get(addressee="person")
    handed = today - timedelta(days=2)
    deadline = rules.appeal_deadline(handed)

    # The association hands the letter over and records the day: the notification date.
    asso = web.new_page()
    log_in(asso, names["association"])
    asso.goto(f"/commission/courriers/{letter.public_id}/remise/")
    check_page(asso)
    asso.get_by_label("Date de remise à la personne").fill(f"{handed:%Y-%m-%d}")
    choose(asso, "Remise en main propre contre récépissé signé")
    asso.get_by_role("button", name="Enregistrer la remise").click()
    expect_message(asso, f"recours possible jusqu'au {deadline:%d/%m/%Y}")
    asso.goto(f"/parcours/{pathway.public_id}/decisions-et-fin/#recours")
    block = asso.get_by_test_id("appeals-block")
    expect(block.get_by_test_id("decision-appeal-deadline")).to_have_text(f"{deadline:%d/%m/%Y}")
    expect(block.get_by_test_id("record-appeal-link")).to_have_count(0)  # the secretariat records appeals
    shoot(asso, "association-delai")

    # The secretariat records the appeal from the decision.
    sec = web.new_page()
    log_in(sec, names["secretariat"])
    sec.goto(f"/parcours/{pathway.public_id}/decisions-et-fin/#recours")
    sec.get_by_test_id("record-appeal-link").click()
    expect(sec.get_by_role("heading", level=1)).to_have_text("Enregistrer un recours")
    expect(sec.locator("main")).to_contain_text(f"recours contentieux possible jusqu'au {deadline:%d/%m/%Y}")
    check_page(sec)
    shoot(sec, "formulaire")
    choose(sec, "Recours contentieux (tribunal administratif)")
    sec.get_by_label("Auteur du recours").select_option(label="L'avocat ou le conseil de la personne")
    sec.get_by_label("Moyens invoqués").fill("Erreur manifeste d'appréciation du projet d'insertion.")
    sec.get_by_test_id("record-appeal").click()
    summary = sec.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Indiquez le numéro de la requête devant le tribunal.")
    assert sec.title().startswith("Erreur : ")
    assert not Appeal.objects.exists()
    shoot(sec, "erreur")
    sec.get_by_label("Numéro de la requête (tribunal administratif)").fill("2601234")
    sec.get_by_test_id("record-appeal").click()
    expect_message(sec, "Recours enregistré : recours contentieux (tribunal administratif).")
    expect(sec.get_by_test_id("appeal-deadline")).to_have_text(f"{deadline:%d/%m/%Y}")
    shoot(sec, "recours")

    # The judgment annuls the refusal: confirmed first.
    form = sec.locator("#issue form")
    choose(form, "Décision annulée ou retirée")
    form.get_by_label("Date de la réponse ou du jugement").fill(f"{today:%Y-%m-%d}")
    form.get_by_label("Motifs de la réponse ou du jugement").fill(
        "Le tribunal annule le refus et enjoint de réexaminer."
    )
    form.get_by_test_id("record-outcome").click()
    expect(sec.get_by_role("heading", level=1)).to_contain_text("Enregistrer l'issue du recours")
    expect(sec.locator("main")).to_contain_text("réexamen de la décision apparaît au tableau")
    shoot(sec, "confirmation-issue")
    assert Appeal.objects.get().outcome == "pending"
    sec.get_by_role("button", name="Oui, enregistrer l'issue").click()
    expect_message(sec, "Issue du recours enregistrée : décision annulée ou retirée.")

    # On the board, then the re-examination.
    sec.goto("/")
    section = sec.get_by_test_id("board-appeals_to_reexamine")
    expect(section).to_be_visible()
    expect(section.get_by_test_id("board-count")).to_have_text("1")
    shoot(sec, "tableau")
    section.get_by_role("link").first.click()
    form = sec.locator("#reexamen form")
    form.get_by_label("Date du réexamen").fill(f"{today:%Y-%m-%d}")
    form.get_by_test_id("open-reexamination").click()
    expect(sec.locator("main")).to_contain_text("une nouvelle demande, copie de la demande refusée")
    sec.get_by_role("button", name="Oui, ouvrir le réexamen").click()
    expect_message(sec, "Réexamen ouvert : la demande est prête pour la commission.")
    expect(sec.get_by_test_id("reexamination")).to_contain_text("prête pour la commission")
    shoot(sec, "reexamen")
    sec.get_by_test_id("reexamination").get_by_role("link", name="voir le parcours").click()
    expect(sec.get_by_test_id("request-state")).to_have_text("Prête pour la commission")
    pathway.refresh_from_db()
    assert pathway.state == PathwayState.IN_INSTRUCTION
    assert pathway.requests.filter(state=RequestState.READY).count() == 1
    assert not web.console_errors, web.console_errors
