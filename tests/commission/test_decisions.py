"""Minutes, the prefect's decisions and their notification letters."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from parcours.commission import services as cs
from parcours.commission.models import Letter, MeetingKind, MeetingState, PrefectDecision
from parcours.commission.selectors import decisions_to_prepare, letters_visible_to
from parcours.documents.services import pdf_of, update_draft
from parcours.pathways.models import RequestState
from tests.conftest import client_for
from tests.factories import started_ago

from .conftest import in_days, ready_request

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def held(actors, commission, pathway):
    """A meeting held with quorum, the request on its agenda (the clock is back to today afterwards)."""
    sec = actors["secretariat"]
    request = ready_request(actors, pathway)
    meeting = cs.schedule_meeting(
        actor=sec, kind=MeetingKind.RESTRICTED, starts_at=in_days(6), place="Salle 2"
    )
    item = cs.add_request_item(actor=sec, meeting=meeting, request=request)
    cs.add_free_item(actor=sec, meeting=meeting, title="Bilan des maraudes")
    cs.convene(actor=sec, meeting=meeting)
    meeting.__class__.objects.filter(pk=meeting.pk).update(starts_at=started_ago(2))
    meeting.refresh_from_db()
    cs.record_attendance(actor=sec, meeting=meeting, present_ids={c.pk for c in meeting.convocations.all()})
    return meeting, item


def favourable(actors, held):
    meeting, item = held
    cs.record_item_opinion(
        actor=actors["secretariat"], item=item, opinion="favourable", motive="Projet solide"
    )
    item.refresh_from_db()
    return item


# --- Minutes ---


def test_minutes_are_drafted_edited_then_frozen(actors, held, pathway):
    sec = actors["secretariat"]
    meeting, item = held
    with pytest.raises(ValidationError, match="attendent encore l'avis"):
        cs.draft_minutes(actor=sec, meeting=meeting)
    favourable(actors, held)
    minutes = cs.draft_minutes(actor=sec, meeting=meeting)
    text = pdf_text(pdf_of(minutes.document))
    assert "Procès-verbal" in text and pathway.person.pseudonym in text and "Avis favorable" in text
    assert pathway.person.last_name not in text  # the minutes go to every member: codes only
    update_draft(
        actor=sec, document=minutes.document, html=minutes.document.html + "<p>Séance levée à 16h.</p>"
    )
    cs.close_meeting(actor=sec, meeting=meeting)
    meeting.refresh_from_db()
    minutes.document.refresh_from_db()
    assert meeting.state == MeetingState.CLOSED
    assert minutes.document.is_frozen and len(minutes.document.sha256) == 64
    assert "Séance levée à 16h." in pdf_text(pdf_of(minutes.document))
    with pytest.raises(ValidationError, match="figé"):
        update_draft(actor=sec, document=minutes.document, html="<p>Réécriture</p>")


def test_a_meeting_cannot_close_without_minutes(actors, held):
    with pytest.raises(ValidationError, match="Rédigez d'abord le procès-verbal"):
        cs.close_meeting(actor=actors["secretariat"], meeting=held[0])


# --- Decisions ---


def test_draft_then_sign_opens_the_period_and_writes_the_letters(actors, held, pathway):
    sec, signatory = actors["secretariat"], actors["signatory"]
    item = favourable(actors, held)
    assert list(decisions_to_prepare(sec.departement)) == [item]
    decision = cs.draft_decision(actor=sec, item=item, outcome="authorised")
    assert list(decisions_to_prepare(sec.departement)) == []
    draft_text = pdf_text(pdf_of(decision.document))
    assert pathway.person.last_name.upper() in draft_text and "attribué à la signature" in draft_text
    with pytest.raises(PermissionDenied):
        cs.sign_decision(actor=sec, decision=decision, day=timezone.localdate())
    today = timezone.localdate()
    decision = cs.sign_decision(actor=signatory, decision=decision, day=today, signer="Le préfet")
    assert decision.reference == f"{today.year}-0001" and decision.state == PrefectDecision.State.SIGNED
    request = decision.request
    request.refresh_from_db()
    assert request.state == RequestState.AUTHORISED and request.decision_reference == decision.reference
    period = request.pathway.periods.get()
    text = pdf_text(pdf_of(decision.document))
    assert f"Décision n° {decision.reference}" in text
    assert f"{period.start:%-d}" in text and "parcours de sortie" in text
    assert decision.document.is_frozen
    addressees = set(decision.letters.values_list("addressee", flat=True))
    assert addressees == {Letter.Addressee.PERSON, Letter.Addressee.AFIS_PAYER, Letter.Addressee.IMMIGRATION}
    immigration = decision.letters.get(addressee=Letter.Addressee.IMMIGRATION)
    assert "L. 425-4" in pdf_text(pdf_of(immigration.document))
    with pytest.raises(ValidationError, match="déjà signée"):
        cs.sign_decision(actor=signatory, decision=decision, day=today)


def test_numbers_follow_a_yearly_sequence_per_departement(actors, commission, association):
    from parcours.pathways import services as psp
    from tests.factories import PersonFactory

    sec, signatory = actors["secretariat"], actors["signatory"]
    meeting = cs.schedule_meeting(actor=sec, kind=MeetingKind.RESTRICTED, starts_at=in_days(6), place="Salle")
    items = []
    for _ in range(3):
        person = PersonFactory(organisation=association, created_by=actors["association_worker"].user)
        pathway = psp.start_pathway(actor=actors["association_worker"], person=person)
        items.append(cs.add_request_item(actor=sec, meeting=meeting, request=ready_request(actors, pathway)))
    cs.convene(actor=sec, meeting=meeting)
    meeting.__class__.objects.filter(pk=meeting.pk).update(starts_at=started_ago(1))
    meeting.refresh_from_db()
    cs.record_attendance(actor=sec, meeting=meeting, present_ids={c.pk for c in meeting.convocations.all()})
    references = []
    for item in items:
        cs.record_item_opinion(actor=sec, item=item, opinion="favourable", motive="Oui")
        item.refresh_from_db()
        decision = cs.draft_decision(actor=sec, item=item, outcome="authorised")
        references.append(
            cs.sign_decision(actor=signatory, decision=decision, day=timezone.localdate()).reference
        )
    year = timezone.localdate().year
    assert references == [f"{year}-0001", f"{year}-0002", f"{year}-0003"]


def test_a_refusal_is_motivated_and_notified_to_the_person_only(actors, held):
    sec = actors["secretariat"]
    meeting, item = held
    cs.record_item_opinion(actor=sec, item=item, opinion="unfavourable", motive="Projet à construire")
    item.refresh_from_db()
    with pytest.raises(ValidationError):
        cs.draft_decision(actor=sec, item=item, outcome="refused")
    decision = cs.draft_decision(
        actor=sec, item=item, outcome="refused", motive="Les engagements ne sont pas réunis."
    )
    decision = cs.sign_decision(actor=actors["signatory"], decision=decision, day=timezone.localdate())
    assert set(decision.letters.values_list("addressee", flat=True)) == {Letter.Addressee.PERSON}
    assert "Les engagements ne sont pas réunis." in pdf_text(pdf_of(decision.document))
    decision.request.refresh_from_db()
    assert decision.request.state == RequestState.REFUSED


def test_no_decision_without_an_opinion(actors, held):
    sec = actors["secretariat"]
    meeting, item = held
    with pytest.raises(ValidationError, match="après l'avis"):
        cs.draft_decision(actor=sec, item=item, outcome="authorised")
    cs.record_item_opinion(actor=sec, item=item, opinion="postponed", motive="Audition à prévoir")
    item.refresh_from_db()
    with pytest.raises(ValidationError, match="après l'avis"):
        cs.draft_decision(actor=sec, item=item, outcome="authorised")


def test_a_decision_cannot_be_signed_before_the_opinion_nor_in_the_future(actors, held):
    item = favourable(actors, held)
    decision = cs.draft_decision(actor=actors["secretariat"], item=item, outcome="authorised")
    with pytest.raises(ValidationError, match="futur"):
        cs.sign_decision(
            actor=actors["signatory"], decision=decision, day=timezone.localdate() + timedelta(days=1)
        )
    with pytest.raises(ValidationError, match="précéder l'avis"):
        cs.sign_decision(
            actor=actors["signatory"], decision=decision, day=timezone.localdate() - timedelta(days=3)
        )
    decision.refresh_from_db()
    assert decision.state == PrefectDecision.State.DRAFT and decision.number is None


def test_letters_reach_only_their_addressees(actors, held, other_association):
    from tests.factories import make_actor

    item = favourable(actors, held)
    decision = cs.draft_decision(actor=actors["secretariat"], item=item, outcome="authorised")
    cs.sign_decision(actor=actors["signatory"], decision=decision, day=timezone.localdate())
    kinds = {
        role: set(letters_visible_to(actors[role]).values_list("addressee", flat=True)) for role in actors
    }
    assert kinds["association_worker"] == {"person"}
    assert kinds["immigration"] == {"immigration"}
    assert kinds["secretariat"] == kinds["signatory"] == {"person", "afis_payer", "immigration"}
    assert kinds["commission_member"] == kinds["partner_advisor"] == kinds["admin"] == set()
    outsider = make_actor("association_worker", other_association)
    assert not letters_visible_to(outsider).exists()
    letter = decision.letters.get(addressee="person")
    response = client_for(outsider).get(reverse("commission:letter_download", args=[letter.public_id]))
    assert response.status_code == 404
    response = client_for(actors["association_worker"]).get(
        reverse("commission:letter_download", args=[letter.public_id])
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"


def test_signing_over_http(actors, held):
    item = favourable(actors, held)
    sec = client_for(actors["secretariat"])
    meeting = held[0]
    response = sec.post(
        reverse("commission:decision_draft", args=[meeting.public_id, item.public_id]),
        {"outcome": "authorised", "motive": ""},
        follow=True,
    )
    decision = PrefectDecision.objects.get()
    assert "elle attend la signature" in response.content.decode()
    signatory = client_for(actors["signatory"])
    page = signatory.get(reverse("commission:decision_detail", args=[decision.public_id])).content.decode()
    assert "Signer la décision" in page
    response = signatory.post(
        reverse("commission:decision_sign", args=[decision.public_id]), {"day": "2026-02-31"}
    )
    assert "Saisissez une date valide." in response.content.decode()
    data = {"day": timezone.localdate().isoformat(), "signer": "Pour le préfet, le secrétaire général"}
    question = signatory.post(reverse("commission:decision_sign", args=[decision.public_id]), data)
    assert "Oui, signer la décision" in question.content.decode()
    decision.refresh_from_db()
    assert decision.state != decision.State.SIGNED  # asked, not signed
    response = signatory.post(
        reverse("commission:decision_sign", args=[decision.public_id]),
        {**data, "confirmation": "oui"},
        follow=True,
    )
    decision.refresh_from_db()
    assert f"Décision n° {decision.reference} signée" in response.content.decode()
    pdf = signatory.get(reverse("commission:decision_pdf", args=[decision.public_id]))
    assert "Pour le préfet, le secrétaire général" in pdf_text(pdf.content)


def test_board_sections(actors, held):
    from parcours.deadlines.selectors import board_for

    item = favourable(actors, held)
    sections = {s.key: s for s in board_for(actors["secretariat"], timezone.localdate())}
    assert [(i.who, i.label) for i in sections["decisions_to_prepare"].items] == [
        (item.request.pathway.person.pseudonym, "Avis favorable")
    ]
    # One line per case: the request waiting for the prefect is not listed a second time.
    assert not sections["to_decide"].items
    assert len(sections["minutes_to_write"].items) == 1
    cs.draft_decision(actor=actors["secretariat"], item=item, outcome="authorised")
    signatory = {s.key: s for s in board_for(actors["signatory"], timezone.localdate())}
    assert len(signatory["decisions_to_sign"].items) == 1


def test_the_association_finds_the_letter_on_its_board(actors, held):
    from parcours.deadlines.selectors import board_for

    item = favourable(actors, held)
    decision = cs.draft_decision(actor=actors["secretariat"], item=item, outcome="authorised")
    decision = cs.sign_decision(actor=actors["signatory"], decision=decision, day=timezone.localdate())
    sections = {s.key: s for s in board_for(actors["association_worker"], timezone.localdate())}
    [entry] = sections["letters_to_hand"].items
    letter = decision.letters.get(addressee="person")
    assert entry.url == reverse("commission:letter_download", args=[letter.public_id])
    assert decision.reference in entry.label
    # The pathway page offers it too, to the association only.
    page_url = reverse("pathways:detail", args=[decision.request.pathway.public_id])
    assert entry.url in client_for(actors["association_worker"]).get(page_url).content.decode()
    assert entry.url not in client_for(actors["secretariat"]).get(page_url).content.decode()


def test_the_decision_page_links_the_meeting_only_for_those_who_can_open_it(actors, held):
    """The signatory reads the meeting's date; the link to the meeting's page (the secretariat's) is not
    shown to it, since that page would answer 403."""
    item = favourable(actors, held)
    decision = cs.draft_decision(actor=actors["secretariat"], item=item, outcome="authorised")
    meeting_url = reverse("commission:meeting_detail", args=[item.meeting.public_id])
    day = timezone.localtime(item.meeting.starts_at).strftime("%d/%m/%Y")
    pages = {}
    for role in ("secretariat", "signatory"):
        client = client_for(actors[role])
        response = client.get(reverse("commission:decision_detail", args=[decision.public_id]))
        assert response.status_code == 200
        pages[role] = response.content.decode()
        assert f"séance du {day}" in pages[role]
    assert meeting_url in pages["secretariat"]
    assert meeting_url not in pages["signatory"]
    assert client_for(actors["signatory"]).get(meeting_url).status_code == 403
