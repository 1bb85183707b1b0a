"""Issue 14, item 13: the written consultation between meetings (ordonnance n° 2014-1329, décret n°
2014-1627),
for renewals and urgent requests; the opinion it produces follows the same workflow as a meeting's."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from parcours.commission import services as cs
from parcours.commission.models import AgendaItem, Ballot, Meeting, MeetingState
from parcours.documents.services import pdf_of
from parcours.outbox.models import OutgoingEmail
from parcours.pathways.models import RequestState
from tests.conftest import client_for
from tests.factories import started_ago

from .conftest import ready_request

pytestmark = pytest.mark.django_db

REASON = "Renouvellement qui arrive à échéance avant la prochaine séance"


def pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


@pytest.fixture
def sec(actors):
    return actors["secretariat"]


def schedule(sec, *, opens_in=timedelta(hours=1), days=5, reason=REASON):
    now = timezone.now()
    return cs.schedule_written_consultation(
        actor=sec, opens_at=now + opens_in, closes_at=now + opens_in + timedelta(days=days), reason=reason
    )


@pytest.fixture
def consultation(actors, commission, pathway):
    """A written consultation convened, open for votes since an hour, the person's request on it."""
    sec = actors["secretariat"]
    meeting = schedule(sec)
    item = cs.add_request_item(actor=sec, meeting=meeting, request=ready_request(actors, pathway))
    cs.convene(actor=sec, meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=started_ago(1))
    meeting.refresh_from_db()
    return meeting, item


def close(sec, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    meeting.refresh_from_db()
    status = cs.close_written_consultation(actor=sec, meeting=meeting)
    meeting.refresh_from_db()
    return status


def vote(commission, meeting, item, name, choice):
    convocation = meeting.convocations.get(mandate=commission.mandates[name])
    return cs.cast_ballot(actor=commission.members[name], convocation=convocation, item=item, choice=choice)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"reason": "  "}, "pourquoi la commission est consultée"),
        ({"days": 2}, "3 jours au moins"),
        ({"days": 31}, "30 jours au plus"),
        ({"opens_in": -timedelta(hours=1)}, "dans le passé"),
    ],
)
def test_a_written_consultation_states_its_reason_and_its_window(sec, kwargs, error):
    with pytest.raises(ValidationError, match=error):
        schedule(sec, **kwargs)
    assert not Meeting.objects.exists()


def test_only_individual_requests_are_consulted_in_writing(sec, commission):
    meeting = schedule(sec)
    with pytest.raises(ValidationError, match="demandes de parcours"):
        cs.add_free_item(actor=sec, meeting=meeting, title="Bilan annuel")


def test_members_vote_then_the_opinion_follows_the_same_workflow(
    sec, actors, commission, consultation, pathway
):
    meeting, item = consultation
    # Convened: the e-mail and the frozen convocation say it is a written consultation, with its dates.
    email = OutgoingEmail.objects.get(to=commission.members["doctor"].user.email)
    assert "consulte par écrit" in email.body and pathway.person.last_name not in email.body
    text = pdf_text(pdf_of(meeting.convocation_document))
    assert "consulter par écrit" in text and REASON in text and pathway.person.last_name not in text
    # Each member votes in the portal; a later vote replaces the first.
    client = client_for(commission.members["doctor"])
    url = reverse("commission:portal_vote", args=[meeting.public_id, item.public_id])
    page = client.post(url, {"choice": "nimporte"})
    assert page.status_code == 200 and "Choisissez votre vote" in page.content.decode()
    assert client.post(url, {"choice": "unfavourable"}).status_code == 302
    assert client.post(url, {"choice": "favourable"}).status_code == 302
    assert Ballot.objects.get(item=item).choice == "favourable"
    assert (
        "Votre vote : pour un avis favorable"
        in client.get(reverse("commission:portal_meeting", args=[meeting.public_id])).content.decode()
    )
    vote(commission, meeting, item, "police", "favourable")
    vote(commission, meeting, item, "magistrate", "unfavourable")
    # The association that accompanies the person is recused: it does not even see the vote (404).
    asso = client_for(commission.members["association"])
    assert asso.post(url, {"choice": "favourable"}).status_code == 404
    # Nothing is decided while it is open.
    with pytest.raises(ValidationError, match="Clôturez d'abord"):
        cs.record_item_opinion(actor=sec, item=item, opinion="favourable", motive="Projet solide")
    with pytest.raises(ValidationError, match="ne peut pas être close avant"):
        cs.close_written_consultation(actor=sec, meeting=meeting)
    with pytest.raises(ValidationError, match="ne relève pas de présences"):
        cs.record_attendance(actor=sec, meeting=meeting, present_ids=set())
    status = close(sec, meeting)
    assert (status["filled"], status["total"], status["reached"]) == (3, 4, True)
    # Voting is over.
    with pytest.raises(ValidationError, match="pas ouverte"):
        vote(commission, meeting, item, "police", "unfavourable")
    item = AgendaItem.objects.get(pk=item.pk)
    with pytest.raises(ValidationError, match="donne un avis favorable"):
        cs.record_item_opinion(actor=sec, item=item, opinion="unfavourable", motive="x")
    cs.record_item_opinion(actor=sec, item=item, opinion="favourable", motive="Projet solide")
    item.refresh_from_db()
    assert (item.votes_for, item.votes_against, item.abstentions) == (2, 1, 0)
    item.request.refresh_from_db()
    assert item.request.state == RequestState.REVIEWED
    # The same path as a meeting's opinion: the prefect's decision is prepared from it, the minutes record it.
    decision = cs.draft_decision(actor=sec, item=item, outcome="authorised")
    assert decision.item == item
    text = pdf_text(pdf_of(cs.draft_minutes(actor=sec, meeting=meeting).document))
    assert "consultée par écrit" in text and "2 voix pour un avis favorable" in text
    assert "Membres ayant pris part à la consultation" in text and pathway.person.last_name not in text


def test_a_tie_in_writing_is_broken_by_the_chair(sec, commission, consultation):
    meeting, item = consultation
    vote(commission, meeting, item, "doctor", "favourable")
    vote(commission, meeting, item, "police", "unfavourable")
    vote(commission, meeting, item, "magistrate", "abstention")
    close(sec, meeting)
    item = AgendaItem.objects.get(pk=item.pk)
    with pytest.raises(ValidationError, match="voix prépondérante"):
        cs.record_item_opinion(actor=sec, item=item, opinion="favourable", motive="x")
    cs.record_item_opinion(
        actor=sec, item=item, opinion="favourable", motive="Projet solide", casting_vote="favourable"
    )
    item.refresh_from_db()
    assert item.casting_vote == "favourable" and item.abstentions == 1


def test_too_few_participants_and_the_commission_meets_without_quorum(sec, commission, consultation):
    meeting, item = consultation
    vote(commission, meeting, item, "doctor", "favourable")
    status = close(sec, meeting)
    assert (status["filled"], status["needed"], status["reached"]) == (1, 2, False)
    item = AgendaItem.objects.get(pk=item.pk)
    with pytest.raises(ValidationError, match="quorum n'est pas atteint"):
        cs.record_item_opinion(actor=sec, item=item, opinion="favourable", motive="Projet solide")
    now = timezone.now() + timedelta(days=8)
    again = cs.reconvene(
        actor=sec, meeting=meeting, starts_at=now.replace(hour=14, minute=0), place="Préfecture, salle 2"
    )
    item.refresh_from_db()
    assert item.meeting == again and not again.is_written and again.without_quorum


def test_a_member_replaced_by_the_substitute_does_not_vote(sec, commission, consultation):
    meeting, item = consultation
    doctor = meeting.convocations.get(mandate=commission.mandates["doctor"])
    cs.answer_convocation(actor=commission.members["doctor"], convocation=doctor, answer="substitute")
    with pytest.raises(ValidationError, match="suppléant"):
        vote(commission, meeting, item, "doctor", "favourable")
    vote(commission, meeting, item, "doctor-sub", "favourable")
    assert meeting.state == MeetingState.CONVENED


def test_the_secretariat_schedules_a_written_consultation_from_its_page(sec, commission):
    client = client_for(sec)
    url = reverse("commission:written_create")
    day = timezone.localdate() + timedelta(days=2)
    bad = client.post(
        url,
        {
            "opens_day": f"{day:%Y-%m-%d}",
            "opens_time": "09:00",
            "closes_day": f"{day + timedelta(days=1):%Y-%m-%d}",
            "closes_time": "18:00",
            "reason": REASON,
        },
    )
    assert bad.status_code == 200 and "3 jours au moins" in bad.content.decode()
    assert not Meeting.objects.exists()
    good = client.post(
        url,
        {
            "opens_day": f"{day:%Y-%m-%d}",
            "opens_time": "09:00",
            "closes_day": f"{day + timedelta(days=5):%Y-%m-%d}",
            "closes_time": "18:00",
            "reason": REASON,
        },
    )
    meeting = Meeting.objects.get()
    assert good.status_code == 302 and meeting.is_written and meeting.written_reason == REASON
    page = client.get(reverse("commission:meeting_detail", args=[meeting.public_id])).content.decode()
    assert "Consultation écrite" in page and REASON in page


def test_the_members_board_asks_to_vote_until_they_have(sec, commission, consultation):
    from parcours.deadlines.selectors import board_for

    meeting, item = consultation
    doctor = commission.members["doctor"]

    def to_vote():
        sections = {s.key: s for s in board_for(doctor, timezone.localdate())}
        return [i.label for i in sections["commission_to_vote"].items]

    assert to_vote() == ["Voter : consultation écrite — Médecin"]
    vote(commission, meeting, item, "doctor", "abstention")
    assert to_vote() == []


def test_a_long_consultation_stays_readable_until_it_closes(sec, commission, consultation):
    from parcours.commission.selectors import member_convocations

    meeting, _ = consultation
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(days=20), closes_at=timezone.now() + timedelta(days=2)
    )
    doctor = commission.members["doctor"]
    assert member_convocations(doctor).filter(meeting=meeting).exists()
    Meeting.objects.filter(pk=meeting.pk).update(closes_at=timezone.now() - timedelta(days=16))
    assert not member_convocations(doctor).filter(meeting=meeting).exists()
