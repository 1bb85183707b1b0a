"""End to end, in headless Chromium: a convened member answers the convocation and reads the summaries.

A doctor (health seat) and a police director (enforcement seat) are convened to a restricted meeting with one
PSP request on its agenda. The doctor finds the convocation on the board, answers it and opens the summary;
the police director opens the same summary behind the care/justice wall. Screenshots are saved under
test-artefacts/screenshots/ with a `portal-` prefix.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from parcours.commission import services as cs
from parcours.commission.models import Mandate, MeetingKind
from parcours.commission.rules import SeatCategory
from parcours.core.access import Actor
from parcours.core.models import Membership, OrganisationKind
from parcours.core.roles import Role
from parcours.pathways import services as psp
from parcours.pathways.models import PlanObjective
from tests.browser.a11y import shoot as shoot_and_check

from ..conftest import complete_request
from ..factories import OrganisationFactory, PersonFactory, make_actor
from .conftest import SCREENSHOTS
from .test_happy_path import check_page, choose, expect_message, log_in

pytestmark = pytest.mark.browser


def actor_named(username: str) -> Actor:
    membership = Membership.objects.select_related("user", "organisation__departement").get(
        user__username=username
    )
    return Actor(user=membership.user, membership=membership)


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shoot_and_check(page, SCREENSHOTS / f"portal-{name}.png")


@pytest.fixture
def portal_world(psp_world):
    sec = actor_named(psp_world.usernames["secretariat"])
    worker = actor_named(psp_world.usernames["association"])
    today = timezone.localdate()
    arrete = cs.create_arrete(
        actor=sec,
        reference="2026-DDFE-007",
        signed_on=today - timedelta(days=60),
        mandate_start=today - timedelta(days=60),
    )
    members = {}
    for name, category, label, kind in [
        ("doctor", SeatCategory.DOCTOR, "Médecin désigné par l'ordre", OrganisationKind.HEALTH),
        (
            "police",
            SeatCategory.PUBLIC_SECURITY,
            "Direction départementale de la sécurité publique",
            OrganisationKind.POLICE,
        ),
    ]:
        seat = cs.add_seat(actor=sec, arrete=arrete, category=category, label=label)
        member = make_actor(
            Role.COMMISSION_MEMBER, OrganisationFactory(departement=psp_world.departement, kind=kind)
        )
        cs.appoint(actor=sec, seat=seat, member=member.user, kind=Mandate.Kind.TITULAR)
        members[name] = member
    person = PersonFactory(organisation=psp_world.association, created_by=worker.user)
    pathway = psp.start_pathway(actor=worker, person=person)
    request = complete_request(worker, pathway)
    request.rights_requested = ["afis", "residence_permit", "housing", "health"]
    request.association_opinion = (
        "Mme est accompagnée depuis huit mois ; elle a cessé l'activité et suit des soins réguliers. "
        "Avis très favorable."
    )
    request.save()
    PlanObjective.objects.create(request=request, domain="health", objective="Suivi médical régulier")
    PlanObjective.objects.create(
        request=request,
        domain="training",
        objective="Formation d'aide à domicile",
        target_date=today + timedelta(days=120),
    )
    psp.submit_request(actor=worker, request=request)
    psp.mark_ready(actor=sec, request=request)
    start = timezone.make_aware(
        timezone.datetime.combine(today + timedelta(days=8), timezone.datetime.min.time())
    ) + timedelta(hours=14)
    meeting = cs.schedule_meeting(
        actor=sec,
        kind=MeetingKind.RESTRICTED,
        starts_at=start,
        place="Préfecture, salle Marianne",
        chaired_by="La sous-préfète",
    )
    cs.add_request_item(actor=sec, meeting=meeting, request=request)
    cs.add_free_item(
        actor=sec,
        meeting=meeting,
        title="Bilan des maraudes numériques",
        description="Présentation par l'association.",
    )
    cs.convene(actor=sec, meeting=meeting)
    return {"members": members, "pseudonym": person.pseudonym, "meeting": meeting}


def test_member_answers_and_reads_summaries(web, portal_world):
    pseudonym = portal_world["pseudonym"]

    # --- The doctor: board, convocation, answer, summary ----------------------------------------------
    doctor = web.new_page()
    log_in(doctor, portal_world["members"]["doctor"].user.username)
    board = doctor.get_by_test_id("board-commission_to_answer")
    expect(board).to_contain_text("Répondre à la convocation")
    shoot(doctor, "01-a-traiter")
    board.get_by_role("link").first.click()
    expect(doctor.get_by_role("heading", level=1)).to_contain_text("Formation restreinte")
    check_page(doctor)
    expect(doctor.get_by_test_id("convocation-answer")).to_have_text("Sans réponse")
    shoot(doctor, "02-seance")
    choose(doctor, "Je serai présent·e")
    doctor.get_by_test_id("answer-convocation").click()
    expect_message(doctor, "Votre réponse à la convocation est enregistrée.")
    expect(doctor.get_by_test_id("convocation-answer")).to_have_text("Sera présent·e")
    shoot(doctor, "03-seance-reponse")

    doctor.get_by_test_id("agenda").get_by_role("link", name=re.compile(re.escape(pseudonym))).click()
    expect(doctor.get_by_role("heading", level=1)).to_contain_text(pseudonym)
    check_page(doctor)
    expect(doctor.get_by_test_id("situation")).to_contain_text("Couverture maladie")
    expect(doctor.get_by_test_id("objectives")).to_contain_text("Suivi médical régulier")
    expect(doctor.get_by_test_id("association-opinion")).to_contain_text("Avis très favorable.")
    shoot(doctor, "04-resume-medecin")

    doctor.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes séances").click()
    expect(doctor.get_by_test_id("portal-meetings")).to_contain_text("Sera présent·e")
    shoot(doctor, "05-mes-seances")

    # --- The police director: the same summary behind the care/justice wall -------------------------
    police = web.new_page()
    log_in(police, portal_world["members"]["police"].user.username)
    police.get_by_test_id("board-commission_to_answer").get_by_role("link").first.click()
    police.get_by_test_id("agenda").get_by_role("link", name=re.compile(re.escape(pseudonym))).click()
    expect(police.get_by_test_id("wall-notice")).to_be_visible()
    expect(police.get_by_test_id("situation")).not_to_contain_text("Couverture maladie")
    expect(police.get_by_test_id("objectives")).not_to_contain_text("Suivi médical")
    expect(police.get_by_test_id("association-opinion")).not_to_contain_text("soins")
    check_page(police)
    shoot(police, "06-resume-police")

    csp = [message for message in web.console_errors if "Content Security Policy" in message]
    assert csp == [], "\n".join(csp)
