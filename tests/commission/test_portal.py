"""The member portal over HTTP: who sees which meeting, when, the agenda, the summaries and the wall."""

from __future__ import annotations

import html
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.commission import services as cs
from parcours.commission.models import Convocation, MeetingKind
from parcours.commission.summaries import WALL_OPINION_STATEMENT, age_band
from parcours.core.models import AuditEvent
from parcours.core.roles import Role
from parcours.pathways.models import PlanObjective, RightKind
from tests.factories import DepartementFactory, OrganisationFactory, PersonFactory, make_actor
from tests.views.helpers import fast_static, messages_of
from tests.views.helpers import page_text as raw_text

from .conftest import client_for, in_days, ready_request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_static(settings):
    fast_static(settings)


@pytest.fixture
def sec(actors):
    return actors["secretariat"]


@pytest.fixture
def ready(actors, pathway):
    request = ready_request(actors, pathway)
    request.rights_requested = [RightKind.AFIS, RightKind.HEALTH, RightKind.HOUSING]
    request.save(update_fields=["rights_requested"])
    PlanObjective.objects.create(request=request, domain="health", objective="Bilan de santé complet")
    PlanObjective.objects.create(request=request, domain="training", objective="Formation qualifiante")
    return request


@pytest.fixture
def convened(sec, commission, ready):
    meeting = cs.schedule_meeting(
        actor=sec, kind=MeetingKind.RESTRICTED, starts_at=in_days(7), place="Préfecture, salle 2"
    )
    item = cs.add_request_item(actor=sec, meeting=meeting, request=ready)
    free = cs.add_free_item(
        actor=sec, meeting=meeting, title="Bilan des maraudes", description="Point d'étape"
    )
    cs.convene(actor=sec, meeting=meeting)
    return meeting, item, free


def page_text(response) -> str:
    return html.unescape(raw_text(response))


def url_meeting(meeting):
    return reverse("commission:portal_meeting", args=[meeting.public_id])


def url_item(meeting, item):
    return reverse("commission:portal_item", args=[meeting.public_id, item.public_id])


def get(commission, name, url):
    return client_for(commission.members[name]).get(url)


# --- Mes séances and the window ---


def test_my_meetings_lists_the_convocation(commission, convened):
    meeting, _, _ = convened
    response = get(commission, "doctor", reverse("commission:portal"))
    text = page_text(response)
    assert response.status_code == 200
    assert meeting.starts_at.strftime("%d/%m/%Y") in text
    assert "Préfecture, salle 2" in text and "Médecin" in text and "Titulaire" in text
    assert url_meeting(meeting) in text
    assert "À donner" in text


def test_not_before_the_convocation(sec, commission, ready):
    meeting = cs.schedule_meeting(actor=sec, kind=MeetingKind.RESTRICTED, starts_at=in_days(7), place="Salle")
    item = cs.add_request_item(actor=sec, meeting=meeting, request=ready)
    assert get(commission, "doctor", url_meeting(meeting)).status_code == 404
    assert get(commission, "doctor", url_item(meeting, item)).status_code == 404
    assert url_meeting(meeting) not in page_text(get(commission, "doctor", reverse("commission:portal")))


def test_not_after_the_window(commission, convened):
    meeting, item, _ = convened
    with time_machine.travel(meeting.starts_at + timedelta(days=14)):
        assert get(commission, "doctor", url_meeting(meeting)).status_code == 200
        assert get(commission, "doctor", url_item(meeting, item)).status_code == 200
    with time_machine.travel(meeting.starts_at + timedelta(days=16)):
        assert get(commission, "doctor", url_meeting(meeting)).status_code == 404
        assert get(commission, "doctor", url_item(meeting, item)).status_code == 404
        listing = page_text(get(commission, "doctor", reverse("commission:portal")))
        assert url_meeting(meeting) not in listing and "Aucune séance" in listing


def test_only_their_own_meetings(commission, convened):
    meeting, item, _ = convened
    # Not convened: the president (not on individual files) and the doctor's substitute.
    for name in ("president", "doctor-sub"):
        assert get(commission, name, url_meeting(meeting)).status_code == 404
        assert get(commission, name, url_item(meeting, item)).status_code == 404
    # A commission member of another département.
    dep98 = DepartementFactory(code="98", name="Autre département")
    outsider = make_actor(Role.COMMISSION_MEMBER, OrganisationFactory(departement=dep98))
    assert client_for(outsider).get(url_meeting(meeting)).status_code == 404
    # Unknown or mismatched ids.
    doctor = client_for(commission.members["doctor"])
    assert doctor.get(reverse("commission:portal_meeting", args=[uuid.uuid4()])).status_code == 404
    assert (
        doctor.get(reverse("commission:portal_item", args=[meeting.public_id, uuid.uuid4()])).status_code
        == 404
    )
    assert (
        doctor.get(reverse("commission:portal_item", args=[uuid.uuid4(), item.public_id])).status_code == 404
    )


def test_other_roles_are_refused(actors, convened):
    meeting, _, _ = convened
    for role in ("secretariat", "association_worker", "signatory", "partner_advisor"):
        assert client_for(actors[role]).get(url_meeting(meeting)).status_code == 403


# --- Agenda, recusal ---


def test_agenda_in_order_with_links(commission, convened):
    meeting, item, free = convened
    text = page_text(get(commission, "doctor", url_meeting(meeting)))
    assert url_item(meeting, item) in text
    assert text.index(item.title) < text.index("Bilan des maraudes")
    assert "Point d'étape" in text
    assert reverse("commission:portal_item", args=[meeting.public_id, free.public_id]) not in text


def test_recused_item_has_no_link_and_answers_404(commission, convened):
    meeting, item, _ = convened
    response = get(commission, "association", url_meeting(meeting))
    text = page_text(response)
    assert "Vous vous êtes déporté·e sur ce point." in text
    assert url_item(meeting, item) not in text
    assert item.title not in text
    assert get(commission, "association", url_item(meeting, item)).status_code == 404


def test_declared_recusal_hides_the_item(sec, commission, convened):
    meeting, item, _ = convened
    cs.declare_recusal(actor=sec, item=item, mandate=commission.mandates["police"], reason="Enquête en cours")
    assert url_item(meeting, item) not in page_text(get(commission, "police", url_meeting(meeting)))
    assert get(commission, "police", url_item(meeting, item)).status_code == 404


# --- The summary and the care/justice wall ---

IDENTITY = ("Zorvalenne", "1 rue Imaginaire", "06 00 00 00 00", "nigériane", "14/03/1995", "1995-03-14")


def test_doctor_sees_health_and_the_association_opinion(commission, convened):
    meeting, item, _ = convened
    text = page_text(get(commission, "doctor", url_item(meeting, item)))
    person = item.request.pathway.person
    assert person.pseudonym in text
    assert "Couverture maladie" in text and "Aide médicale de l'État" in text
    assert "Bilan de santé complet" in text and "Formation qualifiante" in text
    assert "Accès aux soins et couverture maladie" in text
    assert "Projet solide." in text
    assert "Hébergement d'urgence" in text and "Sans titre de séjour" in text
    assert "Hors Union européenne" in text and "Femme" in text
    assert age_band(1995, meeting.starts_at.date()) in text
    for secret in IDENTITY:
        assert secret not in text


@pytest.mark.parametrize("seat", ["police", "magistrate"])
def test_enforcement_seats_see_neither_health_nor_social_follow_up(commission, convened, seat):
    meeting, item, _ = convened
    text = page_text(get(commission, seat, url_item(meeting, item)))
    assert item.request.pathway.person.pseudonym in text
    assert "Formation qualifiante" in text and "Hébergement d'urgence" in text
    for hidden in (
        "Couverture maladie",
        "Aide médicale",
        "Bilan de santé",
        "Accès aux soins",
        "Projet solide.",
    ):
        assert hidden not in text, hidden
    assert WALL_OPINION_STATEMENT.split(".")[0] in text
    for secret in IDENTITY:
        assert secret not in text


def test_renewal_shows_the_actions_except_behind_the_wall(commission, convened):
    meeting, item, _ = convened
    request = item.request
    request.kind, request.actions_carried_out = "renewal", "Hébergement stable obtenu en CHRS."
    request.save(update_fields=["kind", "actions_carried_out"])
    assert "Hébergement stable obtenu en CHRS." in page_text(
        get(commission, "doctor", url_item(meeting, item))
    )
    assert "Hébergement stable obtenu" not in page_text(get(commission, "police", url_item(meeting, item)))


def test_age_bands():
    from datetime import date

    day = date(2026, 6, 1)
    assert age_band(2010, day) == "moins de 18 ans"
    assert age_band(2008, day) == "18 à 24 ans"
    assert age_band(2001, day) == "25 à 34 ans"
    assert age_band(1991, day) == "35 à 44 ans"
    assert age_band(1981, day) == "45 ans et plus"


# --- Audit ---


def test_agenda_and_summary_reads_are_audited_without_identity(commission, convened):
    meeting, item, _ = convened
    doctor = commission.members["doctor"]
    get(commission, "doctor", url_meeting(meeting))
    get(commission, "doctor", url_item(meeting, item))
    events = AuditEvent.objects.filter(user=doctor.user, action="view")
    agenda = events.get(object_type="commission.meeting")
    assert agenda.object_id == str(meeting.public_id) and "ordre du jour" in agenda.detail
    # The summary is about a person: journaled against the person (one audited accessor).
    summary = events.get(object_type="people.person")
    assert summary.object_id == str(item.request.pathway.person.public_id)
    assert summary.detail.startswith("résumé pseudonymisé (séance du ")
    for event in events:
        for secret in IDENTITY:
            assert secret not in event.detail


# --- Answering the convocation ---


def answer_url(meeting):
    return reverse("commission:portal_answer", args=[meeting.public_id])


def convocation_of(commission, meeting, name):
    return Convocation.objects.get(meeting=meeting, mandate=commission.mandates[name])


def test_answer_present(commission, convened):
    meeting, _, _ = convened
    response = client_for(commission.members["doctor"]).post(
        answer_url(meeting), {"answer": "present"}, follow=True
    )
    assert "Votre réponse à la convocation est enregistrée." in messages_of(response)
    assert convocation_of(commission, meeting, "doctor").answer == "present"
    assert AuditEvent.objects.filter(user=commission.members["doctor"].user, action="update").exists()


def test_send_the_substitute_convenes_them(commission, convened):
    meeting, _, _ = convened
    client_for(commission.members["doctor"]).post(answer_url(meeting), {"answer": "substitute"})
    assert convocation_of(commission, meeting, "doctor").answer == "substitute"
    assert get(commission, "doctor-sub", url_meeting(meeting)).status_code == 200


@pytest.mark.parametrize("data", [{"answer": "pending"}, {"answer": "oui"}, {"answer": "present\x00"}, {}])
def test_bad_answer_is_refused_in_french(commission, convened, data):
    meeting, _, _ = convened
    response = client_for(commission.members["doctor"]).post(answer_url(meeting), data)
    assert response.status_code == 200
    text = page_text(response)
    assert "Choisissez une réponse." in text or "Choisissez l'une des réponses proposées." in text
    assert convocation_of(commission, meeting, "doctor").answer == "pending"


def test_tampered_ids_answer_404(commission, convened, sec, actors):
    meeting, _, _ = convened
    doctor = client_for(commission.members["doctor"])
    assert (
        doctor.post(
            reverse("commission:portal_answer", args=[uuid.uuid4()]), {"answer": "present"}
        ).status_code
        == 404
    )
    # Another member's meeting: the president is not convened to it.
    assert (
        client_for(commission.members["president"])
        .post(answer_url(meeting), {"answer": "absent"})
        .status_code
        == 404
    )
    assert Convocation.objects.filter(meeting=meeting).exclude(answer="pending").count() == 0


def test_no_answer_once_the_meeting_is_held(sec, commission, convened):
    meeting, _, _ = convened
    with time_machine.travel(meeting.starts_at + timedelta(hours=2)):
        cs.record_attendance(actor=sec, meeting=meeting, present_ids=set())
        doctor = client_for(commission.members["doctor"])
        page = page_text(doctor.get(url_meeting(meeting)))
        assert "Envoyer ma réponse" not in page
        response = doctor.post(answer_url(meeting), {"answer": "present"}, follow=True)
        assert any("n'attend plus de réponse" in m for m in messages_of(response))
    assert convocation_of(commission, meeting, "doctor").answer == "pending"


def test_a_substitute_cannot_send_a_substitute(sec, commission, convened):
    meeting, _, _ = convened
    client_for(commission.members["doctor"]).post(answer_url(meeting), {"answer": "substitute"})
    sub = client_for(commission.members["doctor-sub"])
    assert "Je me fais remplacer" not in page_text(sub.get(url_meeting(meeting)))
    response = sub.post(answer_url(meeting), {"answer": "substitute"})
    assert response.status_code == 200
    assert convocation_of(commission, meeting, "doctor-sub").answer == "pending"


# --- The board ---


def test_board_lists_convocations_to_answer_and_meetings_ahead(commission, convened):
    meeting, _, _ = convened
    doctor = client_for(commission.members["doctor"])
    text = page_text(doctor.get("/"))
    assert "Répondre à la convocation" in text and url_meeting(meeting) in text
    assert 'data-testid="board-commission_upcoming"' in text
    doctor.post(answer_url(meeting), {"answer": "present"})
    text = page_text(doctor.get("/"))
    assert "Répondre à la convocation" not in text
    assert 'data-testid="board-commission_upcoming"' in text and url_meeting(meeting) in text


def test_board_is_empty_for_other_roles(actors, convened):
    assert "Répondre à la convocation" not in page_text(client_for(actors["secretariat"]).get("/"))


# --- Query budget ---


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_meeting_page_queries_do_not_grow_with_the_agenda(sec, actors, commission, convened, association):
    meeting, _, _ = convened
    doctor = client_for(commission.members["doctor"])
    doctor.get(url_meeting(meeting))  # warm the session and the caches
    first = _count_queries(doctor, url_meeting(meeting))
    assert first <= 20
    from parcours.pathways import services as psp

    # Two more items, added while still convened (a late addition by the secretariat).
    for _ in range(2):
        person = PersonFactory(organisation=association, created_by=actors["association_worker"].user)
        pathway = psp.start_pathway(actor=actors["association_worker"], person=person)
        cs.add_request_item(actor=sec, meeting=meeting, request=ready_request(actors, pathway))
    assert _count_queries(doctor, url_meeting(meeting)) == first
