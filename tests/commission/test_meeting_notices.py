"""Cancelling a meeting or changing its agenda after the convocations: the secretariat is asked first, offered
to tell the convened members (one e-mail each through the outbox, the corrected agenda attached), and it is
recorded on the meeting. The summary read by the members carries no name typed in the free texts."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from parcours.commission import services as cs
from parcours.commission.models import MeetingKind, MeetingState
from parcours.commission.summaries import summary_for
from parcours.outbox.models import OutgoingEmail
from parcours.people.models import PersonAlias
from tests.views.helpers import fast_static, messages_of

from .conftest import client_for, in_days, ready_request


@pytest.fixture(autouse=True)
def _fast_static(settings):
    fast_static(settings)


@pytest.fixture
def convened(actors, commission, pathway):
    sec = actors["secretariat"]
    request = ready_request(actors, pathway)
    meeting = cs.schedule_meeting(
        actor=sec, kind=MeetingKind.RESTRICTED, starts_at=in_days(12), place="Salle 2"
    )
    cs.add_request_item(actor=sec, meeting=meeting, request=request)
    cs.convene(actor=sec, meeting=meeting)
    meeting.refresh_from_db()
    return meeting


def page(response) -> str:
    return html.unescape(response.content.decode())


def test_a_changed_agenda_is_offered_to_the_convened_members_and_sent_once(actors, convened):
    sec = client_for(actors["secretariat"])
    detail = reverse("commission:meeting_detail", args=[convened.public_id])
    assert "L'ordre du jour a changé depuis les convocations" not in page(sec.get(detail))
    sec.post(reverse("commission:item_add_free", args=[convened.public_id]), {"title": "Point ajouté"})
    assert "L'ordre du jour a changé depuis les convocations" in page(sec.get(detail))
    before = OutgoingEmail.objects.count()
    first_document = convened.convocation_document_id

    response = sec.post(reverse("commission:agenda_notice", args=[convened.public_id]), follow=True)
    members = convened.convocations.count()
    assert f"Ordre du jour rectifié envoyé à {members} membre(s) convoqué(s)." in messages_of(response)
    sent = [e for e in OutgoingEmail.objects.all() if e.subject.startswith("Ordre du jour rectifié")]
    assert len(sent) == members == OutgoingEmail.objects.count() - before
    convened.refresh_from_db()
    assert convened.members_notified_at is not None and not convened.agenda_notice_pending
    assert convened.convocation_document_id != first_document  # the corrected agenda, frozen and attached
    assert all(list(e.attachments.all()) == [convened.convocation_document] for e in sent)
    assert "L'ordre du jour a changé depuis les convocations" not in page(response)

    # Nothing new to send: refused in French, no e-mail.
    response = sec.post(reverse("commission:agenda_notice", args=[convened.public_id]), follow=True)
    assert "L'ordre du jour n'a pas changé depuis les convocations : rien à envoyer." in messages_of(response)
    assert OutgoingEmail.objects.count() == before + members


def test_cancelling_asks_first_then_tells_the_convened_members(actors, convened):
    sec = client_for(actors["secretariat"])
    url = reverse("commission:meeting_cancel", args=[convened.public_id])
    before = OutgoingEmail.objects.count()
    question = page(sec.post(url, {}))
    assert "Ce qui va se passer" in question
    assert "cela ne peut pas être défait" in question
    assert f"Prévenir par courriel les {convened.convocations.count()} membre(s) convoqué(s)" in question
    convened.refresh_from_db()
    assert convened.state == MeetingState.CONVENED  # nothing done yet

    response = sec.post(url, {"confirmation": "oui", "prevenir": "on"}, follow=True)
    convened.refresh_from_db()
    assert convened.state == MeetingState.CANCELLED
    cancelled = [e for e in OutgoingEmail.objects.all() if e.subject.startswith("Annulation")]
    assert len(cancelled) == convened.convocations.count()
    assert OutgoingEmail.objects.count() == before + convened.convocations.count()
    assert "ont été prévenus de l'annulation par courriel" in page(response)


def test_cancelling_without_telling_sends_nothing(actors, convened):
    sec = client_for(actors["secretariat"])
    before = OutgoingEmail.objects.count()
    sec.post(reverse("commission:meeting_cancel", args=[convened.public_id]), {"confirmation": "oui"})
    convened.refresh_from_db()
    assert convened.state == MeetingState.CANCELLED and convened.members_notified_at is None
    assert OutgoingEmail.objects.count() == before


def test_the_summary_replaces_names_typed_in_the_opinion(actors, convened):
    item = convened.items.get(kind="request")
    person = item.request.pathway.person
    person.last_name, person.first_name = "Dupré", "Élodie"
    person.save()
    PersonAlias.objects.create(person=person, name="Lodi")
    request = item.request
    request.association_opinion = "ELODIE (dite lodi) et Mme DUPRE tiennent leurs engagements."
    request.save(update_fields=["association_opinion"])
    convocation = convened.convocations.exclude(
        mandate__seat__category__in=["magistrate", "public_security"]
    ).first()
    opinion = summary_for(item, convocation)["association_opinion"]
    code = person.pseudonym
    assert opinion == f"{code} (dite {code}) et Mme {code} tiennent leurs engagements."
