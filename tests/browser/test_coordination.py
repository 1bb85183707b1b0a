"""End to end, in headless Chromium: the coordination formation of minors' individual pathways.

Set up with services and factories: département 99, a prefecture, an arrêté with the coordination seats
(president of the conseil départemental, ASE, CRIP, the prosecutor's referent magistrate) and a doctor's
seat (PSP only), each with a titular member who can log in. Then, through the browser, from the detection
to the coordinated plan:
0. a Mission Locale detects a minor (identified), transmits an information préoccupante to the CRIP and
   records the CRIP's feedback (tests/browser/test_referrals.py::detect_and_transmit_minor);

1. the secretariat schedules a coordination meeting, puts the minor's situation on its agenda (with a
   summary in which the name typed is replaced by the code) and convenes the formation (four members);
2. the ASE member reads the pseudonymised situation in « Mes séances », with the legal basis (L. 226-2-2);
3. on the meeting day the secretariat records attendance and the coordinated plan (two actions);
4. the next coordination meeting brings the situation back for follow-up with its unfinished actions,
   and the secretariat records one as done;
5. the doctor (a PSP member) sees neither the meeting nor the situation (404).

Screenshots: test-artefacts/screenshots/coordination-NN-*.png.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from parcours.commission import services as cs
from parcours.commission.models import Mandate, Meeting, MeetingKind
from parcours.commission.rules import SeatCategory
from parcours.core.models import OrganisationKind
from parcours.core.roles import Role
from tests.browser.a11y import shoot as shoot_and_check

from ..commission.coordination import CONTEXT_CANARY, FEEDBACK_CANARY
from ..factories import MembershipFactory, OrganisationFactory, started_ago
from .conftest import SCREENSHOTS
from .test_happy_path import check_page, choose, expect_message, form_of, fr_date, log_in, tick
from .test_portal import actor_named
from .test_referrals import detect_and_transmit_minor, mission_locale, shots  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

PLACE = "Hôtel du département, salle Simone-Veil"

# name -> (seat category, seat label, organisation kind, username, first name, last name)
SEATS = {
    "president": (
        SeatCategory.DEPARTMENT_PRESIDENT,
        "Président du conseil départemental",
        OrganisationKind.OTHER,
        "cd.president",
        "Gérard",
        "Président",
    ),
    "ase": (
        SeatCategory.CHILD_PROTECTION,
        "Aide sociale à l'enfance (ASE)",
        OrganisationKind.CHILD_WELFARE,
        "membre.ase",
        "Élise",
        "Enfance",
    ),
    "crip": (
        SeatCategory.CHILD_PROTECTION,
        "Cellule de recueil des informations préoccupantes (CRIP)",
        OrganisationKind.CHILD_WELFARE,
        "membre.crip",
        "Coralie",
        "Recueil",
    ),
    "magistrate": (
        SeatCategory.MAGISTRATE,
        "Magistrate référente du parquet (mineurs)",
        OrganisationKind.JUSTICE,
        "parquet.mineurs",
        "Claude",
        "Magistrate",
    ),
    "doctor": (
        SeatCategory.DOCTOR,
        "Médecin désigné par l'ordre",
        OrganisationKind.HEALTH,
        "dr.medecin",
        "Camille",
        "Médecin",
    ),
}


class Shots:
    """Numbered full-page screenshots coordination-01-name.png, ... (old ones removed)."""

    def __init__(self):
        self.count = 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for old in SCREENSHOTS.glob("coordination-*.png"):
            old.unlink()

    def __call__(self, page: Page, name: str) -> None:
        self.count += 1
        path = SCREENSHOTS / f"coordination-{self.count:02d}-{name}.png"
        shoot_and_check(page, path)


def menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name=name).click()


@pytest.fixture
def coordination_world(psp_world):
    sec = actor_named(psp_world.usernames["secretariat"])
    today = timezone.localdate()
    arrete = cs.create_arrete(
        actor=sec,
        reference="2026-DDFE-031",
        signed_on=today - timedelta(days=60),
        mandate_start=today - timedelta(days=60),
    )
    for category, label, kind, username, first_name, last_name in SEATS.values():
        organisation = OrganisationFactory(departement=psp_world.departement, kind=kind)
        seat = cs.add_seat(actor=sec, arrete=arrete, category=category, label=label)
        membership = MembershipFactory(
            organisation=organisation,
            role=Role.COMMISSION_MEMBER,
            user__username=username,
            user__first_name=first_name,
            user__last_name=last_name,
        )
        cs.appoint(actor=sec, seat=seat, member=membership.user, kind=Mandate.Kind.TITULAR)
    return {"arrete": arrete}


def no_identity(page: Page, detection) -> None:
    body = page.locator("body").inner_text().lower()
    for value in (detection.last_name, detection.first_name, CONTEXT_CANARY, FEEDBACK_CANARY):
        assert value.lower() not in body, value


def test_coordination_of_a_minors_pathway(web, psp_world, coordination_world, mission_locale, shots):  # noqa: F811
    shoot = Shots()
    # --- 0. A Mission Locale detects a minor (identified), sends an information préoccupante to the CRIP and
    # records the CRIP's feedback: the situation the coordination formation will take up ---------------
    ml = web.new_page()
    log_in(ml, mission_locale)
    detection = detect_and_transmit_minor(
        ml, shots, last_name="Quenderil", context=CONTEXT_CANARY, notes=FEEDBACK_CANARY
    )
    code = detection.pseudonym
    today = timezone.localdate()
    meeting_day = today + timedelta(days=8)

    # --- 1. The secretariat schedules a coordination meeting and puts the situation on its agenda ---------
    sec = web.new_page()
    log_in(sec, psp_world.usernames["secretariat"])
    menu(sec, "Commission")
    sec.get_by_test_id("meeting-create").click()
    choose(sec, "Formation de coordination des parcours des mineurs (décret du 30 décembre 2025)")
    sec.get_by_label("Date", exact=True).fill(meeting_day.isoformat())
    sec.get_by_label("Heure").fill("10:00")
    sec.get_by_label("Lieu").fill(PLACE)
    sec.get_by_test_id("submit").click()
    expect_message(sec, "Séance programmée : composez son ordre du jour.")
    expect(sec.get_by_role("heading", level=1)).to_contain_text("Formation de coordination")
    expect(sec.get_by_test_id("legal-basis")).to_contain_text("L. 226-2-2")
    meeting_url = sec.url.split("#")[0]

    add = form_of(sec, "add-situation")
    select = add.get_by_label("Repérage d'un mineur transmis à la protection de l'enfance")
    option = select.locator("option").filter(has_text=code)
    expect(option).to_have_count(1)
    select.select_option(value=option.get_attribute("value"))
    add.get_by_label("Résumé pseudonymisé pour les membres (facultatif)").fill(
        f"{detection.first_name} fugue du foyer depuis l'automne ; hébergée par un majeur."
    )
    check_page(sec)
    add.get_by_test_id("add-situation").click()
    expect_message(sec, "Situation inscrite à l'ordre du jour (sous son code pseudonyme).")
    situation = sec.get_by_test_id("situation")
    expect(situation.get_by_test_id("situation-pseudonym")).to_have_text(code)
    expect(situation.get_by_test_id("situation-reports")).to_contain_text(
        "Information préoccupante à la CRIP"
    )
    expect(situation.get_by_test_id("situation-reports")).to_contain_text(
        "Mesure de protection administrative"
    )
    expect(situation.get_by_test_id("situation-summary")).to_contain_text(f"{code} fugue du foyer")
    no_identity(sec, detection)
    shoot(sec, "secretariat-situation-inscrite")

    form_of(sec, "convene").get_by_test_id("convene").click()
    sec.get_by_test_id("confirm-submit").click()
    expect_message(sec, "4 membres convoqués.")
    convocations = sec.get_by_test_id("convocations")
    for name in ("president", "ase", "crip", "magistrate"):
        expect(convocations).to_contain_text(SEATS[name][1])
    expect(convocations).not_to_contain_text("Médecin")
    shoot(sec, "secretariat-formation-convoquee")

    # --- 2. The ASE member reads the pseudonymised situation, with the legal basis -----------------------
    ase = web.new_page()
    log_in(ase, "membre.ase")
    menu(ase, "Mes séances")
    ase.get_by_test_id("portal-meetings").get_by_role("link", name=f"{fr_date(meeting_day)} à 10h00").click()
    expect(ase.get_by_role("heading", level=1)).to_contain_text("Formation de coordination")
    expect(ase.get_by_test_id("legal-basis")).to_contain_text("L. 226-2-2")
    ase.get_by_test_id("situation-link").click()
    expect(ase.get_by_role("heading", level=1)).to_have_text(f"Situation {code}")
    check_page(ase)
    expect(ase.get_by_test_id("legal-basis")).to_contain_text("secret professionnel")
    expect(ase.get_by_test_id("situation-facts")).to_contain_text("15 à 17 ans")
    expect(ase.get_by_test_id("situation-reports")).to_contain_text("Mesure de protection administrative")
    no_identity(ase, detection)
    situation_url = ase.url
    shoot(ase, "membre-ase-situation-pseudonymisee")

    # --- 3. The meeting day: attendance, then the coordinated plan --------------------------------------
    # The browser cannot move the server's clock: the meeting is moved to one hour ago in the database.
    meeting = Meeting.objects.get(kind=MeetingKind.COORDINATION)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=started_ago(1))
    sec.goto(meeting_url)
    attendance = form_of(sec, "attendance")
    for name in ("president", "ase", "crip", "magistrate"):
        tick(attendance, f"{SEATS[name][4]} {SEATS[name][5]}")
    attendance.get_by_test_id("attendance").click()
    expect_message(sec, "Présences enregistrées")
    for owner, what, days in [
        ("Aide sociale à l'enfance (ASE)", "Proposer une mise à l'abri spécialisée", 7),
        ("Magistrate référente du parquet (mineurs)", "Audition en salle adaptée (UAPED)", 21),
    ]:
        plan = form_of(sec, "add-action")
        plan.get_by_label("Qui (siège de la formation ou organisme)").select_option(label=owner)
        plan.get_by_label("Quoi").fill(what)
        plan.get_by_label("Pour quand").fill((today + timedelta(days=days)).isoformat())
        plan.get_by_test_id("add-action").click()
        expect_message(sec, "Action ajoutée au plan coordonné.")
    expect(sec.get_by_test_id("plan").get_by_test_id("plan-action")).to_have_count(2)
    check_page(sec)
    shoot(sec, "secretariat-plan-coordonne")

    # --- 4. The next coordination meeting brings the situation back for follow-up ------------------------
    menu(sec, "Commission")
    sec.get_by_test_id("meeting-create").click()
    choose(sec, "Formation de coordination des parcours des mineurs (décret du 30 décembre 2025)")
    sec.get_by_label("Date", exact=True).fill((today + timedelta(days=40)).isoformat())
    sec.get_by_label("Heure").fill("10:00")
    sec.get_by_label("Lieu").fill(PLACE)
    sec.get_by_test_id("submit").click()
    expect_message(sec, "Séance programmée : composez son ordre du jour.")
    item = sec.get_by_test_id("agenda-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(f"Suivi — situation {code}")
    actions = item.get_by_test_id("plan-action")
    expect(actions).to_have_count(2)
    expect(actions.first.get_by_test_id("action-status")).to_have_text("En cours")
    status = actions.first.locator("form")
    choose(status, "Réalisée")
    status.get_by_test_id("set-status").click()
    expect_message(sec, "État de l'action enregistré.")
    expect(sec.get_by_test_id("plan-action").first.get_by_test_id("action-status")).to_have_text("Réalisée")
    no_identity(sec, detection)
    shoot(sec, "secretariat-suivi-seance-suivante")

    # --- 5. A PSP member sees none of it -------------------------------------------------------------
    doctor = web.new_page()
    log_in(doctor, "dr.medecin")
    menu(doctor, "Mes séances")
    expect(doctor.get_by_test_id("portal-meetings")).to_contain_text("Aucune séance à venir ou récente.")
    response = doctor.goto(situation_url)
    assert response.status == 404
    response = doctor.goto(reverse("commission:portal_meeting", args=[meeting.public_id]))
    assert response.status == 404
    no_identity(doctor, detection)
    assert not re.search(re.escape(code), doctor.locator("body").inner_text())
    shoot(doctor, "membre-psp-ne-voit-pas-la-situation")
