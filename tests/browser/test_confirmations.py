"""In headless Chromium: the irreversible acts ask first, saying what will happen, and changing the agenda or
cancelling after the convocations offers to tell the convened members.

Set up with services (the commission of test_meeting, a ready request on a meeting convened in ten days), then
through the browser: the secretariat adds a point after the convocations and sends the corrected agenda, then
cancels the meeting (the confirmation offers to tell the members, ticked); the association withdraws a
consent after its confirmation; « Revenir sans rien changer » changes nothing.

Screenshots: test-artefacts/screenshots/confirm-NN-*.png and statuts-NN-*.png.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from parcours.commission import services as cs
from parcours.commission.models import MeetingKind, MeetingState
from parcours.outbox.models import OutgoingEmail
from tests.browser.a11y import shoot as shoot_and_check

from .conftest import SCREENSHOTS
from .test_happy_path import check_page, expect_message, form_of, log_in
from .test_meeting import meeting_world  # noqa: F401 (fixture)
from .test_portal import actor_named

pytestmark = pytest.mark.browser


class Shots:
    """confirm-NN-name.png; `prefix` separates the two tests of this file (old files of a prefix removed)."""

    def __init__(self, prefix: str = "confirm"):
        self.count, self.prefix = 0, prefix
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for old in SCREENSHOTS.glob(f"{prefix}-*.png"):
            old.unlink()

    def __call__(self, page: Page, name: str) -> None:
        self.count += 1
        path = SCREENSHOTS / f"{self.prefix}-{self.count:02d}-{name}.png"
        shoot_and_check(page, path)


def test_confirmations_and_notices(web, psp_world, meeting_world):  # noqa: F811
    shoot = Shots()
    sec_actor = actor_named(psp_world.usernames["secretariat"])
    request = meeting_world["pathway"].requests.open().get()
    starts = timezone.now() + timedelta(days=10)
    meeting = cs.schedule_meeting(
        actor=sec_actor, kind=MeetingKind.RESTRICTED, starts_at=starts, place="Salle 3"
    )
    cs.add_request_item(actor=sec_actor, meeting=meeting, request=request)
    cs.convene(actor=sec_actor, meeting=meeting)
    convened = meeting.convocations.count()
    assert convened == 4

    sec = web.new_page()
    log_in(sec, psp_world.usernames["secretariat"])
    sec.goto(f"/commission/seances/{meeting.public_id}/")
    expect(sec.get_by_test_id("agenda-notice")).to_have_count(0)

    # A point added after the convocations: the page offers to send the corrected agenda.
    free = form_of(sec, "add-free-item")
    free.get_by_label("Intitulé").fill("Bilan des maraudes")
    free.get_by_test_id("add-free-item").click()
    notice = sec.get_by_test_id("agenda-notice")
    expect(notice).to_contain_text("L'ordre du jour a changé depuis les convocations")
    check_page(sec)
    shoot(sec, "ordre-du-jour-modifie-apres-convocation")
    before = OutgoingEmail.objects.count()
    notice.get_by_test_id("send-agenda-notice").click()
    expect_message(sec, f"Ordre du jour rectifié envoyé à {convened} membre(s) convoqué(s).")
    expect(sec.get_by_test_id("agenda-notified")).to_be_visible()
    assert OutgoingEmail.objects.count() == before + convened

    # Cancelling: the confirmation says what will happen; going back changes nothing.
    sec.get_by_test_id("cancel-meeting").click()
    consequences = sec.get_by_test_id("confirm-consequences")
    expect(consequences).to_contain_text("cela ne peut pas être défait")
    expect(consequences).to_contain_text("1 demande(s) inscrite(s) quitte(nt) l'ordre du jour")
    notify = sec.get_by_test_id("confirm-notify")
    expect(notify).to_be_checked()
    expect(
        sec.get_by_label(f"Prévenir par courriel les {convened} membre(s) convoqué(s) de l'annulation")
    ).to_be_visible()
    check_page(sec)
    shoot(sec, "confirmer-annulation-seance")
    sec.get_by_test_id("confirm-back").click()
    expect(sec.get_by_test_id("meeting-state")).to_have_text("Convocations envoyées")
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CONVENED

    sec.get_by_test_id("cancel-meeting").click()
    sec.get_by_test_id("confirm-submit").click()
    expect_message(sec, "les membres convoqués sont prévenus par courriel")
    expect(sec.get_by_test_id("meeting-state")).to_have_text("Annulée")
    expect(sec.get_by_test_id("cancel-notified")).to_be_visible()
    shoot(sec, "seance-annulee-membres-prevenus")
    assert OutgoingEmail.objects.count() == before + 2 * convened

    # The association withdraws the PSP consent: asked first, with what it entails.
    person = meeting_world["person"]
    asso = web.new_page()
    log_in(asso, psp_world.usernames["association"])
    asso.goto(f"/personnes/{person.public_id}/")
    asso.get_by_role("button", name="Retirer ce consentement").first.click()
    expect(asso.get_by_test_id("confirm-consequences")).to_contain_text("cela ne peut pas être défait")
    check_page(asso)
    shoot(asso, "confirmer-retrait-consentement")
    assert person.consents.filter(withdrawn_on__isnull=False).count() == 0
    asso.get_by_test_id("confirm-submit").click()
    expect_message(asso, "Consentement retiré.")
    assert person.consents.filter(withdrawn_on__isnull=False).count() == 1


def test_checklist_names_and_expired_period(web, psp_world):
    """The checklist lists the missing PSP consent with its link and never says « complète » before the
    submission would pass; a name typed in the reasoned opinion is refused at entry; an authorised pathway
    whose last period is over says « période échue »."""
    from parcours.pathways import services as psp
    from parcours.people.models import ConsentPurpose
    from tests.conftest import complete_request, drive_to_decision
    from tests.factories import PersonFactory

    shoot = Shots("statuts")
    worker = actor_named(psp_world.usernames["association"])
    sec_actor = actor_named(psp_world.usernames["secretariat"])
    signatory = actor_named(psp_world.usernames["signatory"])
    person = PersonFactory(
        organisation=psp_world.association, created_by=worker.user, first_name="Anaïs", last_name="Lefèvre"
    )
    pathway = psp.start_pathway(actor=worker, person=person)
    complete_request(worker, pathway)
    person.consents.filter(purpose=ConsentPurpose.PSP_REQUEST).update(withdrawn_on=timezone.localdate())

    asso = web.new_page()
    log_in(asso, psp_world.usernames["association"])
    asso.goto(f"/parcours/{pathway.public_id}/#transmettre")
    expect(asso.get_by_test_id("missing-now")).to_contain_text("Le consentement de la personne")
    expect(asso.get_by_test_id("request-complete")).to_have_count(0)
    shoot(asso, "liste-avant-transmission-consentement-manquant")

    # A name typed in the reasoned opinion, without its accent: refused at entry, nothing saved.
    asso.get_by_test_id("edit-request").click()
    asso.get_by_label("Avis motivé de l'association").fill("ANAIS tient ses engagements depuis six mois.")
    asso.get_by_test_id("submit").click()
    expect(asso.locator(".fr-error-text, .fr-message--error").first).to_contain_text(
        "Ce texte contient le nom, le prénom ou un alias de la personne"
    )
    check_page(asso)
    shoot(asso, "avis-motive-nom-refuse")

    # The link of the checklist leads to the consents of the person's file.
    asso.goto(f"/parcours/{pathway.public_id}/#transmettre")
    asso.get_by_test_id("missing-link").click()
    expect(asso.locator("#consentements")).to_be_visible()

    # Another person, authorised 200 days ago for one period that is now over.
    other = PersonFactory(organisation=psp_world.association, created_by=worker.user)
    old = psp.start_pathway(actor=worker, person=other)
    actors = {"association_worker": worker, "secretariat": sec_actor, "signatory": signatory}
    drive_to_decision(actors, old, day=timezone.localdate() - timedelta(days=200))
    end = old.periods.get().end
    assert end < timezone.localdate()
    sec = web.new_page()
    log_in(sec, psp_world.usernames["secretariat"])
    sec.goto(f"/parcours/{old.public_id}/")
    expect(sec.get_by_test_id("pathway-state")).to_have_text(f"Autorisé, période échue le {end:%d/%m/%Y}")
    check_page(sec)
    shoot(sec, "parcours-periode-echue")
