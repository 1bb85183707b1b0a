"""The coordination formation over HTTP: the secretariat's meeting page, the member portal's scoping (only
the members convened to a coordination meeting read its situations, pseudonymised, with the legal basis;
PSP members never), and the canary: a detection's identity and the partner's free text never reach a page
a member can reach, nor the documents."""

from __future__ import annotations

import html
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from parcours.commission import services as cs
from parcours.commission.models import Convocation, MeetingKind, PlanAction, Situation
from parcours.core.models import AuditEvent
from parcours.core.roles import Role
from tests.factories import OrganisationFactory, make_actor
from tests.views.helpers import fast_static

from .conftest import client_for, ready_request
from .coordination import (
    ACTIONS_CANARY,
    CONTEXT_CANARY,
    FEEDBACK_CANARY,
    add_child_protection_seats,
    coordination_meeting,
    hold_now,
    in_days,
    transmitted_minor,
)
from .test_canary import body_text, crawl, fold

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_static(settings):
    fast_static(settings)


@pytest.fixture
def sec(actors):
    return actors["secretariat"]


@pytest.fixture
def world(sec, actors, commission, pathway):
    """A convened coordination meeting with two situations (one identified), and a convened restricted
    meeting with a PSP request; the ASE, CRIP and PJJ seats are added to the arrêté."""
    seats = add_child_protection_seats(sec, commission.arrete)
    for name, (_, actor, mandate) in seats.items():
        commission.members[name] = actor
        commission.mandates[name] = mandate
    identified = transmitted_minor(sec.departement, identified=True)
    plain = transmitted_minor(sec.departement)
    meeting, items = coordination_meeting(sec, detections=[identified, plain])
    cs.update_situation_summary(
        actor=sec,
        situation=items[0].situation,
        summary=f"{identified.first_name} {identified.last_name} est hébergée chez un tiers.",
    )
    cs.convene(actor=sec, meeting=meeting)
    restricted = cs.schedule_meeting(
        actor=sec, kind=MeetingKind.RESTRICTED, starts_at=in_days(9), place="Préfecture, salle 2"
    )
    request_item = cs.add_request_item(actor=sec, meeting=restricted, request=ready_request(actors, pathway))
    cs.convene(actor=sec, meeting=restricted)
    return {
        "meeting": meeting,
        "items": items,
        "identified": identified,
        "restricted": restricted,
        "request_item": request_item,
    }


def situation_url(meeting, item):
    return reverse("commission:portal_situation", args=[meeting.public_id, item.public_id])


def text_of(response) -> str:
    return html.unescape(response.content.decode())


# --- The member portal ---


@pytest.mark.parametrize("name", ["ase", "crip", "pjj", "president", "magistrate", "association"])
def test_coordination_members_read_the_pseudonymised_situation(commission, world, name):
    meeting, item = world["meeting"], world["items"][0]
    client = client_for(commission.members[name])
    agenda = text_of(client.get(reverse("commission:portal_meeting", args=[meeting.public_id])))
    assert "L. 226-2-2" in agenda and situation_url(meeting, item) in agenda
    response = client.get(situation_url(meeting, item))
    text = text_of(response)
    assert response.status_code == 200
    assert world["identified"].pseudonym in text
    assert "15 à 17 ans" in text and "Mesure de protection administrative" in text
    assert "Information préoccupante à la CRIP" in text
    assert "Article L. 226-2-2 du code de l'action sociale et des familles" in text
    assert f"{world['identified'].pseudonym} {world['identified'].pseudonym} est hébergée" in text
    assert AuditEvent.objects.filter(
        user=commission.members[name].user, object_type="commission.situation", action="view"
    ).exists()


@pytest.mark.parametrize("name", ["police", "doctor", "doctor-sub", "police-sub"])
def test_psp_members_never_see_situations(commission, world, name):
    meeting, item = world["meeting"], world["items"][0]
    client = client_for(commission.members[name])
    assert client.get(reverse("commission:portal_meeting", args=[meeting.public_id])).status_code == 404
    assert client.get(situation_url(meeting, item)).status_code == 404
    assert meeting.starts_at.strftime("%d/%m/%Y à") not in text_of(client.get(reverse("commission:portal")))


@pytest.mark.parametrize("name", ["ase", "crip", "pjj", "president"])
def test_coordination_only_members_never_see_psp_summaries(commission, world, name):
    restricted, item = world["restricted"], world["request_item"]
    client = client_for(commission.members[name])
    assert client.get(reverse("commission:portal_meeting", args=[restricted.public_id])).status_code == 404
    url = reverse("commission:portal_item", args=[restricted.public_id, item.public_id])
    assert client.get(url).status_code == 404


def test_the_two_portals_do_not_cross(commission, world):
    """The magistrate sits in both formations: a situation is no PSP summary and the other way round."""
    client = client_for(commission.members["magistrate"])
    meeting, situation_item = world["meeting"], world["items"][0]
    restricted, request_item = world["restricted"], world["request_item"]
    assert (
        client.get(
            reverse("commission:portal_item", args=[meeting.public_id, situation_item.public_id])
        ).status_code
        == 404
    )
    assert client.get(situation_url(restricted, request_item)).status_code == 404
    assert client.get(situation_url(restricted, situation_item)).status_code == 404
    url = reverse("commission:portal_situation", args=[meeting.public_id, uuid.uuid4()])
    assert client.get(url).status_code == 404


def test_a_member_not_convened_and_other_roles_never_see_situations(commission, world, actors):
    meeting, item = world["meeting"], world["items"][0]
    unconvened = make_actor(Role.COMMISSION_MEMBER, OrganisationFactory(departement=meeting.departement))
    assert client_for(unconvened).get(situation_url(meeting, item)).status_code == 404
    for role in (
        "secretariat",
        "signatory",
        "association_worker",
        "association_manager",
        "partner_advisor",
        "immigration",
        "national_analyst",
        "admin",
    ):
        assert client_for(actors[role]).get(situation_url(meeting, item)).status_code in (403, 404), role


def test_the_canary_never_reaches_a_member(commission, world, sec):
    """Every page a member can reach (coordination and PSP members), and the documents: no identity of the
    identified detection, no free text the partner typed."""
    detection = world["identified"]
    meeting, items = world["meeting"], world["items"]
    canaries = [
        detection.last_name,
        detection.first_name,
        detection.birth_date.strftime("%d/%m/%Y"),
        detection.birth_date.isoformat(),
        CONTEXT_CANARY,
        FEEDBACK_CANARY,
        ACTIONS_CANARY,
        "Sarcelline",
    ]
    wanted = [(value, fold(value)) for value in canaries]
    # The plan, recorded with a name typed in: taken out as well.
    hold_now(sec, meeting)
    ase = commission.mandates["ase"].seat
    cs.record_plan_action(
        actor=sec, item=items[0], owner=ase, what=f"Rencontrer {detection.first_name}", due_on=meeting.day
    )
    cs.draft_minutes(actor=sec, meeting=meeting)
    reached = 0
    convened = set(Convocation.objects.values_list("mandate__member", flat=True))
    for name, actor in commission.members.items():
        if actor.user.pk not in convened:
            continue
        pages = crawl(client_for(actor), [reverse("commission:portal"), "/"])
        reached += sum(1 for url in pages if "/situations/" in url)
        for url, (status, body, headers) in pages.items():
            assert status < 500, (name, url)
            leaked = [value for value, folded in wanted if folded in fold(body + headers + url)]
            assert not leaked, f"{name} : {url} laisse passer {leaked}"
    assert reached >= 2 * 6  # two situations, six coordination members
    # The secretariat's meeting page and the documents sent to the members carry the code only.
    from parcours.commission.models import Minutes
    from parcours.documents.services import pdf_of

    secretariat = client_for(sec).get(reverse("commission:meeting_detail", args=[meeting.public_id]))
    meeting.refresh_from_db()
    documents = [pdf_of(meeting.convocation_document), pdf_of(Minutes.objects.get(meeting=meeting).document)]
    from io import BytesIO

    from pypdf import PdfReader

    texts = [body_text(secretariat)] + [
        "\n".join(page.extract_text() or "" for page in PdfReader(BytesIO(content)).pages)
        for content in documents
    ]
    assert detection.pseudonym in texts[1]  # the convocation lists the situation by its code
    assert "L. 226-2-2" in texts[1]
    for text in texts:
        leaked = [value for value, folded in wanted if folded in fold(text)]
        assert not leaked, leaked


# --- The secretariat's page ---


def test_the_secretariat_runs_a_coordination_meeting(sec, commission, departement):
    client = client_for(sec)
    detection = transmitted_minor(departement)
    response = client.post(
        reverse("commission:meeting_create"),
        {
            "kind": "coordination",
            "day": (in_days(10)).date().isoformat(),
            "time": "10:00",
            "place": "Hôtel du département",
        },
    )
    assert response.status_code == 302
    meeting = commission.arrete.departement.meetings.get(kind=MeetingKind.COORDINATION)
    page = text_of(client.get(response["Location"]))
    assert "L. 226-2-2" in page and detection.pseudonym in page
    url = reverse("commission:item_add_situation", args=[meeting.public_id])
    assert client.post(url, {"detection": str(detection.public_id)}).status_code == 302
    item = meeting.items.get()
    page = text_of(client.get(reverse("commission:meeting_detail", args=[meeting.public_id])))
    assert "Mesure de protection administrative" in page and CONTEXT_CANARY not in page
    # A bad choice comes back on the page, nothing saved.
    response = client.post(url, {"detection": str(uuid.uuid4())})
    assert response.status_code == 200 and meeting.items.count() == 1
    cs.convene(actor=sec, meeting=meeting)
    hold_now(sec, meeting)
    plan_url = reverse("commission:plan_action", args=[meeting.public_id, item.public_id])
    owner = f"siege-{commission.seats['president'].public_id}"
    response = client.post(plan_url, {"owner": owner, "what": "", "due_on": meeting.day.isoformat()})
    assert response.status_code == 200 and not PlanAction.objects.exists()
    response = client.post(
        plan_url, {"owner": owner, "what": "Évaluer", "due_on": (meeting.day - timedelta(days=1)).isoformat()}
    )
    assert response.status_code == 200 and "précéder la séance" in text_of(response)
    assert not PlanAction.objects.exists()
    response = client.post(plan_url, {"owner": owner, "what": "Évaluer", "due_on": meeting.day.isoformat()})
    assert response.status_code == 302 and PlanAction.objects.count() == 1
    action = PlanAction.objects.get()
    status_url = reverse("commission:action_status", args=[meeting.public_id, action.public_id])
    assert client.post(status_url, {"status": "bogus"}).status_code == 302
    assert client.post(status_url, {"status": "done"}).status_code == 302
    action.refresh_from_db()
    assert action.status == PlanAction.Status.DONE
    close_url = reverse("commission:situation_close", args=[meeting.public_id, item.public_id])
    assert client.post(close_url, {"reason": ""}).status_code == 200
    response = client.post(close_url, {"reason": "Mesure en place"})
    assert response.status_code == 200 and "Oui, clore la situation" in text_of(response)
    assert client.post(close_url, {"reason": "Mesure en place", "confirmation": "oui"}).status_code == 302
    assert Situation.objects.get().state == Situation.State.CLOSED
    page = text_of(client.get(reverse("commission:meeting_detail", args=[meeting.public_id])))
    assert "Situation close" in page and "Mesure en place" in page


def test_a_non_situation_item_has_no_plan(sec, commission, world):
    client = client_for(sec)
    restricted, item = world["restricted"], world["request_item"]
    url = reverse("commission:plan_action", args=[restricted.public_id, item.public_id])
    assert client.post(url, {"what": "x"}).status_code == 404
