"""End to end, in headless Chromium (issue 14): a meeting without quorum, convened again on the same agenda
and
deliberating without quorum, with a vote whose tie the chair breaks and a member's disagreement in the
minutes;
then a written consultation between meetings whose ballots, cast in the members' portal, produce an opinion
that goes on to the prefect's decision like a meeting's.

The composed commission and the ready request come from tests/browser/test_meeting.py (`meeting_world`):
doctor, police, magistrate and the association's seats (the association is recused on its person's request).
The browser cannot move the server's clock: a meeting's day, or a consultation's opening and closing, is moved
directly in the database, as if the days had passed.

Screenshots: test-artefacts/screenshots/votes-NN-*.png.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from parcours.commission import services as cs
from parcours.commission.models import AgendaItem, Meeting, MeetingKind
from parcours.pathways.models import RequestState
from tests.browser.a11y import shoot as shoot_and_check

from ..factories import started_ago
from .conftest import SCREENSHOTS
from .test_happy_path import check_page, choose, expect_message, form_of, log_in
from .test_meeting import MEMBER_NAMES, PLACE, menu
from .test_meeting import meeting_world as meeting_world  # noqa: F401 (the fixture)
from .test_portal import actor_named

pytestmark = pytest.mark.browser

FULL_NAME = {name: f"{first} {last}" for name, (first, last) in MEMBER_NAMES.items()}


class Shots:
    def __init__(self):
        self.count = 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for old in SCREENSHOTS.glob("votes-*.png"):
            old.unlink()

    def __call__(self, page: Page, name: str) -> None:
        self.count += 1
        shoot_and_check(page, SCREENSHOTS / f"votes-{self.count:02d}-{name}.png")


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())


def tick_present(form, name: str) -> None:
    form.locator('label[for*="_present_"]').filter(has_text=FULL_NAME[name]).check()


def to_the_past(meeting: Meeting, **fields) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(**fields)


def test_reconvened_without_quorum_and_a_tie_broken_by_the_chair(web, psp_world, meeting_world):
    shoot = Shots()
    sec_actor = actor_named(psp_world.usernames["secretariat"])
    pseudonym = meeting_world["person"].pseudonym
    request = meeting_world["pathway"].requests.open().get()
    meeting = cs.schedule_meeting(
        actor=sec_actor,
        kind=MeetingKind.RESTRICTED,
        starts_at=timezone.now() + timedelta(days=8),
        place=PLACE,
    )
    cs.add_request_item(actor=sec_actor, meeting=meeting, request=request)
    cs.convene(actor=sec_actor, meeting=meeting)
    to_the_past(meeting, starts_at=started_ago(1))

    # --- The meeting day: only the doctor came. No quorum, no opinion. ---
    sec = web.new_page()
    log_in(sec, psp_world.usernames["secretariat"])
    sec.goto(reverse("commission:meeting_detail", args=[meeting.public_id]))
    attendance = form_of(sec, "attendance")
    tick_present(attendance, "doctor")
    attendance.get_by_test_id("attendance").click()
    expect_message(sec, "quorum NON atteint (1 sièges sur 4, 2 requis)")
    expect(sec.get_by_test_id("quorum")).to_contain_text("Quorum non atteint")
    expect(sec.get_by_test_id("record-opinion")).to_have_count(1)  # offered, but refused by the server:
    opinion = form_of(sec, "record-opinion")
    choose(opinion, "Favorable")
    opinion.get_by_label("Motif", exact=True).fill("Projet solide")
    opinion.get_by_test_id("record-opinion").click()
    expect(sec.locator(".fr-alert--error").first).to_contain_text("Le quorum n'est pas atteint")
    check_page(sec)
    shoot(sec, "seance-sans-quorum")

    # --- Convened again on the same agenda: the new meeting deliberates without quorum. ---
    new_day = timezone.localdate() + timedelta(days=9)
    reconvene = form_of(sec, "reconvene")
    reconvene.get_by_label("Date de la nouvelle séance").fill(new_day.isoformat())
    reconvene.get_by_label("Heure").fill("10:00")
    reconvene.get_by_test_id("reconvene").click()
    expect(sec.get_by_test_id("confirm-consequences")).to_contain_text("aucun quorum ne sera exigé")
    check_page(sec)
    shoot(sec, "confirmer-reconvocation")
    sec.get_by_test_id("confirm-submit").click()
    expect_message(sec, f"Nouvelle séance programmée le {new_day:%d/%m/%Y} sur le même ordre du jour")
    sec.get_by_test_id("reconvened-as").get_by_role("link").click()
    expect(sec.get_by_test_id("reconvened-notice")).to_contain_text("sans condition de quorum")
    expect(sec.get_by_test_id("agenda")).to_contain_text(pseudonym)
    expect(sec.get_by_test_id("add-free-item")).to_have_count(1)
    form_of(sec, "convene").get_by_test_id("convene").click()
    sec.get_by_test_id("confirm-submit").click()
    expect_message(sec, "4 membres convoqués.")
    again = Meeting.objects.get(reconvened_from=meeting)
    to_the_past(again, starts_at=started_ago(0.5))
    sec.reload()

    attendance = form_of(sec, "attendance")
    for name in ("doctor", "police", "magistrate"):
        tick_present(attendance, name)
    attendance.get_by_test_id("attendance").click()
    expect(sec.get_by_test_id("quorum")).to_contain_text("Aucun quorum n'est exigé")

    # --- The vote: 1 for, 1 against, 1 abstention; the chair's casting vote makes it favourable. ---
    opinion = form_of(sec, "record-opinion")
    choose(opinion, "Favorable")
    opinion.get_by_label("Voix pour un avis favorable").fill("1")
    opinion.get_by_label("Voix pour un avis défavorable").fill("1")
    opinion.get_by_label("Abstentions").fill("1")
    opinion.get_by_label("Motif", exact=True).fill("Engagements tenus, projet réaliste.")
    opinion.get_by_test_id("record-opinion").click()
    expect(sec.locator(".fr-error-text").first).to_contain_text("voix prépondérante")  # the tie, not broken
    opinion = form_of(sec, "record-opinion")
    opinion.get_by_label(
        "En cas de partage égal des voix : voix prépondérante de la présidence"
    ).select_option("favourable")
    opinion.get_by_test_id("record-opinion").click()
    expect_message(sec, "Avis enregistré.")
    item = sec.get_by_test_id("agenda-item").filter(has_text=pseudonym)
    expect(item.get_by_test_id("item-opinion")).to_have_text("Avis favorable")
    expect(item.get_by_test_id("item-vote")).to_contain_text(
        "voix prépondérante de la présidence : favorable"
    )
    check_page(sec)
    shoot(sec, "vote-partage-voix-preponderante")

    # --- The police member asks that their disagreement be mentioned. ---
    item.get_by_text("Mentionner le désaccord d'un membre au procès-verbal").click()
    dissent = form_of(sec, "dissent")
    dissent.get_by_label("Membre qui demande la mention de son désaccord").select_option(
        label=f"{FULL_NAME['police']} — DDSP"
    )
    dissent.get_by_label("Désaccord exprimé (facultatif)").fill("Le projet d'hébergement reste fragile.")
    dissent.get_by_test_id("dissent").click()
    expect_message(sec, "Désaccord enregistré : il sera mentionné au procès-verbal.")
    expect(item.get_by_test_id("item-dissents")).to_contain_text(FULL_NAME["police"])

    sec.get_by_test_id("draft-minutes").click()
    response = sec.request.get(sec.get_by_test_id("minutes-pdf").get_attribute("href"))
    text = pdf_text(response.body())
    assert "aucun quorum ne serait exigé" in text and "prépondérante" in text
    assert f"mention du désaccord de {FULL_NAME['police']}" in text
    assert meeting_world["person"].last_name not in text
    shoot(sec, "proces-verbal-redige")
    request.refresh_from_db()
    assert request.state == RequestState.REVIEWED


def test_a_written_consultation_produces_an_opinion(web, psp_world, meeting_world):
    shoot = Shots()
    members = meeting_world["members"]
    pseudonym = meeting_world["person"].pseudonym

    # --- The secretariat consults the restricted formation in writing. ---
    sec = web.new_page()
    log_in(sec, psp_world.usernames["secretariat"])
    menu(sec, "Commission")
    sec.get_by_test_id("written-create").click()
    expect(sec.get_by_role("heading", level=1)).to_have_text("Consulter la commission par écrit")
    opens, closes = timezone.localdate() + timedelta(days=1), timezone.localdate() + timedelta(days=6)
    sec.get_by_label("Ouverture le").fill(opens.isoformat())
    sec.get_by_label("Clôture le").fill(closes.isoformat())
    sec.get_by_label("Pourquoi consulter par écrit").fill("Renouvellement urgent avant la prochaine séance")
    check_page(sec)
    shoot(sec, "consultation-ecrite-programmer")
    sec.get_by_test_id("submit").click()
    expect_message(sec, "Consultation écrite programmée")
    expect(sec.get_by_test_id("written-consultation")).to_contain_text("Renouvellement urgent")
    add = form_of(sec, "add-request")
    add.locator("label").filter(has_text=pseudonym).check()
    add.get_by_test_id("add-request").click()
    form_of(sec, "convene").get_by_test_id("convene").click()
    sec.get_by_test_id("confirm-submit").click()
    expect_message(sec, "4 membres convoqués.")
    meeting_url = sec.url.split("#")[0]
    meeting = Meeting.objects.get(mode="written")
    to_the_past(meeting, starts_at=started_ago(1))

    # --- The doctor votes in the portal; two others vote too. ---
    doctor = web.new_page()
    log_in(doctor, members["doctor"].user.username)
    menu(doctor, "Mes séances")
    doctor.get_by_test_id("portal-meetings").get_by_role("link").first.click()
    expect(doctor.get_by_test_id("written-consultation")).to_contain_text("Le vote est ouvert.")
    vote = form_of(doctor, "cast-ballot")
    choose(vote, "Pour un avis favorable")
    vote.get_by_test_id("cast-ballot").click()
    expect_message(doctor, "Votre vote sur")
    expect(doctor.get_by_test_id("my-vote")).to_have_text("Votre vote : pour un avis favorable.")
    check_page(doctor)
    shoot(doctor, "membre-vote")
    item = AgendaItem.objects.get(meeting=meeting)
    for name, choice in (("police", "favourable"), ("magistrate", "unfavourable")):
        convocation = meeting.convocations.get(mandate__member=members[name].user)
        cs.cast_ballot(actor=members[name], convocation=convocation, item=item, choice=choice)

    # --- Closed after its closing time: the opinion follows from the ballots, then the decision. ---
    to_the_past(meeting, closes_at=timezone.now() - timedelta(minutes=1))
    sec.goto(meeting_url)
    expect(sec.get_by_test_id("item-tally")).to_contain_text(
        "2 pour un avis favorable, 1 pour un avis défavorable"
    )
    sec.get_by_test_id("close-written").click()
    sec.get_by_test_id("confirm-submit").click()
    expect_message(sec, "Consultation close : quorum atteint (3 votants sur 4 sièges).")
    opinion = form_of(sec, "record-opinion")
    choose(opinion, "Favorable")
    opinion.get_by_label("Motif", exact=True).fill("Renouvellement justifié par les actions menées.")
    opinion.get_by_test_id("record-opinion").click()
    expect_message(sec, "Avis enregistré.")
    expect(sec.get_by_test_id("item-vote")).to_contain_text("2 pour un avis favorable")
    shoot(sec, "consultation-ecrite-avis")
    sec.get_by_text("Préparer la décision du préfet").click()
    form_of(sec, "draft-decision").get_by_test_id("draft-decision").click()
    expect_message(sec, "Décision préparée (autorisation) : elle attend la signature.")
    check_page(sec)
    shoot(sec, "consultation-ecrite-decision-preparee")
