"""End to end, in headless Chromium: a whole commission meeting, from its scheduling to the signed decision.

Set up with services and factories: département 99, a prefecture (secretariat, signatory), an approved
association, a composed commission (doctor, police, magistrate and the association's seats, each with a
titular member who can log in) and one PSP request ready for the commission. Then everything goes through
the browser, each step as the user who does it:

1. the secretariat schedules a restricted meeting, inscribes the request and a free item, convenes;
   the association's representative is recused automatically on the request;
2. the doctor answers the convocation and reads the pseudonymised summary (no name, the code only);
3. on the meeting day the secretariat records attendance (quorum reached) and a favourable opinion;
4. the secretariat prepares the prefect's decision, drafts and freezes the minutes, closes the meeting;
5. the signatory signs the decision (number YYYY-0001); its PDF is checked and rendered page by page;
6. the association finds the pathway authorised with its first period, and may download the letter.

Screenshots: test-artefacts/screenshots/meeting-NN-*.png, and meeting-decision-page-N.png for the PDF.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from parcours.commission import services as cs
from parcours.commission.models import Letter, Mandate, Meeting
from parcours.commission.rules import SeatCategory
from parcours.core.access import Actor
from parcours.core.models import OrganisationKind
from parcours.core.roles import Role
from parcours.pathways import rules as psp_rules
from parcours.pathways import services as psp
from parcours.pathways.models import RightKind
from tests.browser.a11y import shoot as shoot_and_check

from ..conftest import complete_request
from ..factories import MembershipFactory, OrganisationFactory, PersonFactory, started_ago
from .conftest import SCREENSHOTS
from .test_happy_path import check_page, choose, expect_message, form_of, fr_date, log_in, tick
from .test_portal import actor_named

pytestmark = pytest.mark.browser

FIRST_NAME, LAST_NAME = "Ornella", "Vastrapine"
PLACE = "Préfecture, salle Marianne"
SIGNER = "Pour le préfet et par délégation, la secrétaire générale"

# name -> (seat category, seat label, organisation kind (None: the association itself), username)
SEATS = {
    "doctor": (SeatCategory.DOCTOR, "Médecin désigné par l'ordre", OrganisationKind.HEALTH, "dr.medecin"),
    "police": (SeatCategory.PUBLIC_SECURITY, "DDSP", OrganisationKind.POLICE, "ddsp.police"),
    "magistrate": (SeatCategory.MAGISTRATE, "Magistrat du parquet", OrganisationKind.JUSTICE, "parquet"),
    "association": (SeatCategory.ASSOCIATION, "Association L'Escale", None, "escale.representante"),
}
MEMBER_NAMES = {
    "doctor": ("Camille", "Médecin"),
    "police": ("Dominique", "Policier"),
    "magistrate": ("Claude", "Magistrat"),
    "association": ("Inès", "Représentante"),
}


class Shots:
    """Numbered full-page screenshots meeting-01-name.png, meeting-02-name.png, ... (old ones removed)."""

    def __init__(self):
        self.count = 0
        self.taken: list[str] = []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for old in SCREENSHOTS.glob("meeting-*.png"):
            old.unlink()

    def __call__(self, page: Page, name: str) -> None:
        self.count += 1
        path = SCREENSHOTS / f"meeting-{self.count:02d}-{name}.png"
        shoot_and_check(page, path)
        self.taken.append(path.name)


def long_date(day) -> str:
    """A date as the documents print it ({{ day|date_longue }}): "7 mars 2026", "1er mars 2026"."""
    from parcours.documents.sandbox import date_longue

    return date_longue(day)


def menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name=name).click()


@pytest.fixture
def meeting_world(psp_world):
    sec = actor_named(psp_world.usernames["secretariat"])
    worker = actor_named(psp_world.usernames["association"])
    today = timezone.localdate()
    arrete = cs.create_arrete(
        actor=sec,
        reference="2026-DDFE-012",
        signed_on=today - timedelta(days=90),
        mandate_start=today - timedelta(days=90),
    )
    members = {}
    for name, (category, label, kind, username) in SEATS.items():
        organisation = (
            psp_world.association
            if kind is None
            else OrganisationFactory(departement=psp_world.departement, kind=kind)
        )
        seat = cs.add_seat(
            actor=sec,
            arrete=arrete,
            category=category,
            label=label,
            organisation=organisation if kind is None else None,
        )
        first_name, last_name = MEMBER_NAMES[name]
        membership = MembershipFactory(
            organisation=organisation,
            role=Role.COMMISSION_MEMBER,
            user__username=username,
            user__first_name=first_name,
            user__last_name=last_name,
        )
        cs.appoint(actor=sec, seat=seat, member=membership.user, kind=Mandate.Kind.TITULAR)
        members[name] = Actor(user=membership.user, membership=membership)

    person = PersonFactory(
        organisation=psp_world.association,
        created_by=worker.user,
        first_name=FIRST_NAME,
        last_name=LAST_NAME,
    )
    pathway = psp.start_pathway(actor=worker, person=person)
    request = complete_request(worker, pathway)
    assert {RightKind.AFIS, RightKind.RESIDENCE_PERMIT} <= set(request.rights_requested)
    psp.submit_request(actor=worker, request=request)
    psp.mark_ready(actor=sec, request=request)
    return {"members": members, "person": person, "pathway": pathway}


def test_commission_meeting_end_to_end(web, psp_world, meeting_world):
    shoot = Shots()
    today = timezone.localdate()
    person = meeting_world["person"]
    pseudonym = person.pseudonym
    members = meeting_world["members"]
    full_name = {name: f"{first} {last}" for name, (first, last) in MEMBER_NAMES.items()}
    meeting_day = today + timedelta(days=8)

    # --- 1. The secretariat schedules a restricted meeting ------------------------------------------
    sec = web.new_page()
    log_in(sec, psp_world.usernames["secretariat"])
    menu(sec, "Commission")
    expect(sec.get_by_role("heading", level=1)).to_have_text("Commission départementale")
    check_page(sec)
    sec.get_by_test_id("meeting-create").click()
    expect(sec.get_by_role("heading", level=1)).to_have_text("Programmer une séance")
    choose(sec, "Formation restreinte (demandes individuelles)")
    sec.get_by_label("Date", exact=True).fill(meeting_day.isoformat())
    sec.get_by_label("Heure").fill("14:00")
    sec.get_by_label("Lieu").fill(PLACE)
    sec.get_by_label("Présidée par").fill("La sous-préfète, directrice de cabinet")
    check_page(sec)
    shoot(sec, "secretariat-programmer-seance")
    sec.get_by_test_id("submit").click()
    expect_message(sec, "Séance programmée : composez son ordre du jour.")
    expect(sec.get_by_role("heading", level=1)).to_contain_text("Formation restreinte")
    expect(sec.get_by_test_id("meeting-state")).to_have_text("Programmée")
    meeting_url = sec.url.split("#")[0]
    meeting = Meeting.objects.get(departement=psp_world.departement)

    # The ready request, then a free item.
    add = form_of(sec, "add-request")
    box = add.locator("label").filter(has_text=pseudonym)
    expect(box).to_have_count(1)
    box.check()
    add.get_by_test_id("add-request").click()
    expect_message(sec, "Demande inscrite à l'ordre du jour.")
    agenda = sec.get_by_test_id("agenda")
    expect(agenda.get_by_test_id("agenda-item")).to_have_count(1)
    expect(agenda).to_contain_text(pseudonym)

    free = form_of(sec, "add-free-item")
    free.get_by_label("Intitulé du point").fill("Bilan des maraudes numériques")
    free.get_by_label("Présentation").fill("Présentation par l'association, dix minutes.")
    free.get_by_test_id("add-free-item").click()
    expect_message(sec, "Point inscrit à l'ordre du jour.")
    expect(agenda.get_by_test_id("agenda-item")).to_have_count(2)

    # The association that presents the case is recused on it, automatically.
    request_item = agenda.get_by_test_id("agenda-item").filter(has_text=pseudonym)
    expect(request_item).to_contain_text(
        f"Déport : {full_name['association']} (Association qui accompagne la personne)"
    )
    expect(agenda.get_by_test_id("agenda-item").filter(has_text="maraudes")).not_to_contain_text("Déport")

    # Convocations: the four seats sit on individual files.
    form_of(sec, "convene").get_by_test_id("convene").click()
    # Convening cannot be undone: the page says what will happen before anything is sent.
    expect(sec.get_by_test_id("confirm-consequences")).to_contain_text("reçoit un courriel de convocation")
    check_page(sec)
    shoot(sec, "secretariat-confirmer-convocation")
    sec.get_by_test_id("confirm-submit").click()
    expect_message(sec, "4 membres convoqués.")
    expect(sec.get_by_test_id("meeting-state")).to_have_text("Convocations envoyées")
    convocations = sec.get_by_test_id("convocations")
    for name in SEATS:
        expect(convocations).to_contain_text(full_name[name])
    expect(sec.locator("#presences")).to_contain_text("Les présences se relèvent le jour de la séance.")
    check_page(sec)
    shoot(sec, "secretariat-seance-convoquee")

    # --- 2. The doctor answers and reads the pseudonymised summary -----------------------------------
    doctor = web.new_page()
    log_in(doctor, members["doctor"].user.username)
    expect(doctor.get_by_test_id("board-commission_to_answer")).to_contain_text("Répondre à la convocation")
    shoot(doctor, "medecin-a-traiter")
    menu(doctor, "Mes séances")
    expect(doctor.get_by_role("heading", level=1)).to_have_text("Mes séances")
    meetings = doctor.get_by_test_id("portal-meetings")
    expect(meetings).to_contain_text("À donner")
    meetings.get_by_role("link", name=f"{fr_date(meeting_day)} à 14h00").click()
    expect(doctor.get_by_role("heading", level=1)).to_contain_text("Formation restreinte")
    check_page(doctor)
    expect(doctor.get_by_test_id("convocation-answer")).to_have_text("Sans réponse")
    choose(doctor, "Je serai présent·e")
    doctor.get_by_test_id("answer-convocation").click()
    expect_message(doctor, "Votre réponse à la convocation est enregistrée.")
    expect(doctor.get_by_test_id("convocation-answer")).to_have_text("Sera présent·e")
    expect(doctor.get_by_test_id("agenda")).to_contain_text("Bilan des maraudes numériques")
    shoot(doctor, "medecin-seance-reponse")

    doctor.get_by_test_id("agenda").get_by_role("link", name=re.compile(re.escape(pseudonym))).click()
    expect(doctor.get_by_role("heading", level=1)).to_contain_text(pseudonym)
    check_page(doctor)
    expect(doctor.get_by_test_id("person")).to_contain_text(pseudonym)
    expect(doctor.get_by_test_id("rights")).to_contain_text("AFIS")
    body = doctor.locator("body").inner_text()
    assert LAST_NAME.lower() not in body.lower() and FIRST_NAME.lower() not in body.lower()
    assert pseudonym in body
    shoot(doctor, "medecin-resume-pseudonymise")

    # --- 3. The meeting day --------------------------------------------------------------------------
    # The browser cannot move the server's clock: the meeting, convened 8 days ahead, is moved to one hour
    # ago directly in the database, as if those days had passed. Attendance is only recorded once the
    # meeting has started (the page offers it from its day on).
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=started_ago(1))
    sec.goto(meeting_url)
    attendance = form_of(sec, "attendance")
    for name in ("doctor", "police", "magistrate"):
        tick(attendance, full_name[name])
    expect(attendance.get_by_label(full_name["association"])).not_to_be_checked()
    attendance.get_by_test_id("attendance").click()
    expect_message(sec, "Présences enregistrées : quorum atteint (3 sièges sur 4).")
    expect(sec.get_by_test_id("meeting-state")).to_have_text("Tenue")
    expect(sec.get_by_test_id("quorum")).to_contain_text("Quorum atteint.")

    opinion = form_of(sec, "record-opinion")
    choose(opinion, "Favorable")
    opinion.get_by_label("Motif", exact=True).fill("Engagement constant ; projet d'insertion réaliste.")
    opinion.get_by_test_id("record-opinion").click()
    expect_message(sec, "Avis enregistré.")
    expect(request_item.get_by_test_id("item-opinion")).to_have_text("Avis favorable")
    expect(request_item).to_contain_text("Motif : Engagement constant ; projet d'insertion réaliste.")
    check_page(sec)
    shoot(sec, "secretariat-presences-et-avis")

    # --- 4. The prefect's decision is prepared; the minutes are drafted, frozen; the meeting closes ----
    request_item.get_by_text("Préparer la décision du préfet").click()
    decision_form = form_of(sec, "draft-decision")
    expect(decision_form.get_by_role("radio", name="Autorisation", exact=True)).to_be_checked()
    decision_form.get_by_test_id("draft-decision").click()
    expect_message(sec, "Décision préparée (autorisation) : elle attend la signature.")
    expect(request_item).to_contain_text("Décision du préfet")
    shoot(sec, "secretariat-decision-preparee")

    sec.get_by_test_id("draft-minutes").click()
    expect_message(sec, "Procès-verbal rédigé : relisez-le et modifiez-le si besoin avant de le figer.")
    expect(sec.locator("#proces-verbal")).to_contain_text("Brouillon, modifiable jusqu'à ce qu'il soit figé.")
    expect(sec.get_by_test_id("minutes-pdf")).to_be_visible()
    shoot(sec, "secretariat-proces-verbal-brouillon")
    sec.get_by_test_id("close-meeting").click()
    expect_message(sec, "Procès-verbal figé (empreinte SHA-256 enregistrée) et séance close.")
    expect(sec.get_by_test_id("meeting-state")).to_have_text("Close (procès-verbal figé)")
    minutes = sec.locator("#proces-verbal")
    expect(minutes).to_contain_text("empreinte SHA-256")
    expect(minutes.locator("code")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(sec.get_by_test_id("close-meeting")).to_have_count(0)
    # The frozen minutes go to the members: the pseudonym, never the person's name.
    response = sec.request.get(sec.get_by_test_id("minutes-pdf").get_attribute("href"))
    assert response.status == 200
    minutes_text = " ".join(pdf_text(response.body()).split())
    assert pseudonym in minutes_text
    assert LAST_NAME.lower() not in minutes_text.lower()
    assert "Engagement constant ; projet d'insertion réaliste." in minutes_text
    render_pages(response.body(), "meeting-minutes-page")
    check_page(sec)
    shoot(sec, "secretariat-seance-close")

    # --- 5. The signatory signs ----------------------------------------------------------------------
    signatory = web.new_page()
    log_in(signatory, psp_world.usernames["signatory"])
    to_sign = signatory.get_by_test_id("board-decisions_to_sign")
    expect(to_sign).to_contain_text("Décisions préparées à signer")
    expect(to_sign).to_contain_text(f"{pseudonym} — Décision préparée : autorisation")
    shoot(signatory, "signataire-a-traiter")
    to_sign.get_by_role("link", name=re.compile(re.escape(pseudonym))).click()
    expect(signatory.get_by_role("heading", level=1)).to_have_text("Décision à signer — autorisation")
    check_page(signatory)
    # First sent back to the secretariat with a comment, which takes it up again (ADR 0014).
    back = form_of(signatory, "return-decision")
    back.get_by_label("Observations pour le secrétariat").fill("Préciser le début de la période.")
    back.get_by_test_id("return-decision").click()
    expect_message(signatory, "Décision renvoyée au secrétariat avec vos observations.")
    expect(signatory.get_by_test_id("decision-state")).to_have_text("Renvoyée au secrétariat")
    decision_url = signatory.url.split("#")[
        0
    ]  # the form's anchor stays after the redirect: reload, not scroll
    menu(sec, "À traiter")
    returned = sec.get_by_test_id("board-decisions_returned")
    expect(returned).to_contain_text(pseudonym)
    returned.get_by_role("link", name=re.compile(re.escape(pseudonym))).click()
    expect(sec.get_by_test_id("return-comment")).to_have_text("Préciser le début de la période.")
    shoot(sec, "secretariat-decision-renvoyee")
    form_of(sec, "revise-decision").get_by_test_id("revise-decision").click()
    expect_message(sec, "Décision reprise : elle attend de nouveau la signature.")
    signatory.goto(decision_url)
    expect(signatory.get_by_test_id("decision-state")).to_have_text("À signer")
    sign = form_of(signatory, "sign-decision")
    sign.get_by_label("Date de signature").fill(today.isoformat())
    sign.get_by_label("Signataire").fill(SIGNER)
    shoot(signatory, "signataire-decision-a-signer")
    sign.get_by_test_id("sign-decision").click()
    expect(signatory.get_by_test_id("confirm-consequences")).to_contain_text("cela ne peut pas être défait")
    check_page(signatory)
    shoot(signatory, "signataire-confirmer-signature")
    signatory.get_by_test_id("confirm-submit").click()
    number = f"{today.year}-0001"
    expect_message(signatory, f"Décision n° {number} signée ; les notifications sont prêtes.")
    expect(signatory.get_by_role("heading", level=1)).to_have_text(f"Décision n° {number} — autorisation")
    expect(signatory.get_by_test_id("decision-state")).to_have_text("Signée")
    notifications = signatory.locator("section").filter(
        has=signatory.get_by_role("heading", level=2, name="Notifications")
    )
    for addressee in Letter.Addressee.labels:
        expect(notifications.get_by_role("link", name=addressee)).to_be_visible()
    check_page(signatory)
    shoot(signatory, "signataire-decision-signee")

    # The signed decision's PDF: rendered page by page, its text checked.
    pdf_url = signatory.get_by_test_id("decision-pdf").get_attribute("href")
    response = signatory.request.get(pdf_url)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    assert pdf.startswith(b"%PDF")
    period_end = psp_rules.period_end(today)
    text = " ".join(pdf_text(pdf).split())
    assert f"Décision n° {number}" in text, text
    assert f"du {long_date(today)} au {long_date(period_end)}" in text, text
    assert SIGNER in text
    pages = render_pages(pdf, "meeting-decision-page")
    assert pages

    # --- 6. The association: the pathway is authorised, its first period open --------------------------
    asso = web.new_page()
    log_in(asso, psp_world.usernames["association"])
    asso.goto(reverse("pathways:detail", args=[meeting_world["pathway"].public_id]))
    expect(asso.get_by_test_id("pathway-state")).to_have_text("Autorisé, en cours")
    periods = asso.get_by_test_id("periods")
    expect(periods.locator("tbody tr")).to_have_count(1)
    expect(periods.locator("tbody tr").nth(0)).to_have_text(
        re.compile(rf"1\s*{fr_date(today)}\s*{fr_date(period_end)}")
    )
    check_page(asso)
    shoot(asso, "association-parcours-autorise")

    # The person's notification letter is the association's to hand over: the pathway page (and the
    # association's board) offer it.
    letter = Letter.objects.get(
        decision__request__pathway=meeting_world["pathway"], addressee=Letter.Addressee.PERSON
    )
    letter_url = reverse("commission:letter_download", args=[letter.public_id])
    expect(asso.get_by_test_id("person-letter")).to_have_attribute("href", letter_url)
    response = asso.request.get(letter_url)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    letter_text = " ".join(pdf_text(response.body()).split())
    assert number in letter_text
    render_pages(response.body(), "meeting-letter-page")
    # The letters to the AFIS payer and to the immigration service are not the association's.
    others = Letter.objects.filter(decision=letter.decision).exclude(addressee=Letter.Addressee.PERSON)
    assert others.count() == 2
    for other in others:
        assert asso.request.get(reverse("commission:letter_download", args=[other.public_id])).status == 404

    csp = [message for message in web.console_errors if "Content Security Policy" in message]
    assert csp == [], "\n".join(csp)
    assert shoot.count >= 10


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def render_pages(pdf: bytes, prefix: str) -> list[str]:
    """Each page of `pdf` as a PNG under the screenshots directory: prefix-1.png, prefix-2.png, ..."""
    import pypdfium2 as pdfium

    for old in SCREENSHOTS.glob(f"{prefix}-*.png"):
        old.unlink()
    document = pdfium.PdfDocument(pdf)
    names = []
    try:
        for index in range(len(document)):
            page = document[index]
            image = page.render(scale=1.5).to_pil()
            name = f"{prefix}-{index + 1}.png"
            image.save(SCREENSHOTS / name)
            names.append(name)
            page.close()
    finally:
        document.close()
    return names
