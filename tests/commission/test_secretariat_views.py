"""The secretariat runs a meeting over HTTP: composition, agenda, convocations, attendance, opinions."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from parcours.commission.forms import REQUEST_POOL_PAGE_SIZE
from parcours.commission.models import AgendaItem, Arrete, Convocation, Meeting, MeetingState
from parcours.pathways import services as psp
from parcours.pathways.models import Request, RequestState
from tests.conftest import client_for
from tests.factories import PersonFactory, started_ago
from tests.views.helpers import assert_unchanged, db_snapshot

from .conftest import ready_request

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def sec(actors):
    return client_for(actors["secretariat"])


def test_composition_pages(sec, commission, departement):
    page = text(sec.get(reverse("commission:arrete_detail", args=[commission.arrete.public_id])))
    assert "Magistrat du parquet" in page and "ne voit ni suivi social ni santé" in page
    assert "ne siège pas sur les demandes individuelles" in page  # the département's president
    response = sec.post(
        reverse("commission:seat_add", args=[commission.arrete.public_id]),
        {"category": "labour", "label": "DDETS — pôle travail"},
        follow=True,
    )
    assert "Siège ajouté." in text(response) and "DDETS — pôle travail" in text(response)


def test_a_new_arrete_gets_three_year_mandates(sec):
    start = timezone.localdate() - timedelta(days=10)
    response = sec.post(
        reverse("commission:arrete_create"),
        {"reference": "ARR-2026-001", "signed_on": start.isoformat(), "mandate_start": start.isoformat()},
    )
    arrete = Arrete.objects.get(reference="ARR-2026-001")
    assert response.status_code == 302
    assert arrete.mandate_end == start.replace(year=start.year + 3) - timedelta(days=1)


def test_a_quorum_out_of_range_says_why_in_french(sec):
    """Found by the forms fuzzer: the message of a bound (« 100 % ») was formatted with the limit: a 500."""
    data = {
        "reference": "A-1",
        "signed_on": "2026-01-05",
        "mandate_start": "2026-01-05",
        "quorum_percent": "150",
    }
    before = db_snapshot()
    response = sec.post(reverse("commission:arrete_create"), data)
    assert response.status_code == 200
    assert "de 0 à 100 %." in response.content.decode()
    assert_unchanged(before)


def test_appointing_twice_the_same_titular_says_why(sec, commission, departement):
    from .conftest import member

    newcomer = member(departement)
    seat = commission.seats["doctor"]
    before = db_snapshot()
    response = sec.post(
        reverse("commission:appoint", args=[seat.public_id]),
        {"member": newcomer.user.public_id, "kind": "titular"},
    )
    assert response.status_code == 200
    assert "Le siège a déjà un·e titulaire sur cette période." in text(response)
    assert_unchanged(before)


def test_a_whole_meeting_over_http(sec, actors, commission, pathway):
    request = ready_request(actors, pathway)
    day = timezone.localdate() + timedelta(days=8)
    response = sec.post(
        reverse("commission:meeting_create"),
        {"kind": "restricted", "day": day.isoformat(), "time": "14:00", "place": "Préfecture, salle 2"},
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("commission:meeting_detail", args=[meeting.public_id])
    detail = reverse("commission:meeting_detail", args=[meeting.public_id])
    page = text(sec.get(detail))
    assert pathway.person.pseudonym in page  # the request waits in the pool
    sec.post(reverse("commission:item_add_request", args=[meeting.public_id]), {"request": request.public_id})
    sec.post(reverse("commission:item_add_free", args=[meeting.public_id]), {"title": "Bilan des maraudes"})
    assert list(meeting.items.values_list("kind", flat=True)) == ["request", "free"]
    # Convening asks first, saying what will happen; nothing is sent before the answer.
    question = text(sec.post(reverse("commission:convene", args=[meeting.public_id]), {}))
    assert "Ce qui va se passer" in question and "reçoit un courriel de convocation" in question
    assert not meeting.convocations.exists()
    response = sec.post(
        reverse("commission:convene", args=[meeting.public_id]), {"confirmation": "oui"}, follow=True
    )
    assert "4 membres convoqués." in messages(response)
    # The association that presents the case is recused on it.
    assert "Association qui accompagne la personne" in text(response)

    convocations = {c.mandate_id: c for c in meeting.convocations.all()}
    with time_machine.travel(meeting.starts_at + timedelta(hours=2)):
        sec = client_for(actors["secretariat"])  # a new session: the old one expired over the week
        present = [
            convocations[commission.mandates[n].pk].public_id for n in ("doctor", "police", "magistrate")
        ]
        response = sec.post(
            reverse("commission:attendance", args=[meeting.public_id]), {"present": present}, follow=True
        )
        assert "quorum atteint (3 sièges sur 4)" in " ".join(messages(response))
        item = meeting.items.get(kind="request")
        response = sec.post(
            reverse("commission:opinion", args=[meeting.public_id, item.public_id]),
            {"opinion": "favourable", "motive": "Projet construit, engagements tenus"},
            follow=True,
        )
        assert "Avis enregistré." in messages(response)
    request.refresh_from_db()
    assert (
        request.state == RequestState.REVIEWED
        and request.opinion_motive == "Projet construit, engagements tenus"
    )
    assert meeting.items.get(kind="request").opinion == AgendaItem.Opinion.FAVOURABLE


def test_bad_input_is_refused_and_changes_nothing(sec, actors, commission, pathway):
    request = ready_request(actors, pathway)
    yesterday = timezone.localdate() - timedelta(days=1)
    before = db_snapshot()
    response = sec.post(
        reverse("commission:meeting_create"),
        {"kind": "restricted", "day": yesterday.isoformat(), "time": "14:00", "place": "Salle"},
    )
    assert "Une séance ne peut pas être programmée dans le passé." in text(response)
    response = sec.post(
        reverse("commission:meeting_create"),
        {"kind": "restricted", "day": "2026-02-31", "time": "25:00", "place": ""},
    )
    assert response.status_code == 200 and "Saisissez une date valide." in text(response)
    assert_unchanged(before)

    meeting_url = reverse("commission:meeting_create")
    in_ten = (timezone.localdate() + timedelta(days=10)).isoformat()
    sec.post(meeting_url, {"kind": "restricted", "day": in_ten, "time": "10:00", "place": "Salle 1"})
    sec.post(meeting_url, {"kind": "restricted", "day": in_ten, "time": "15:00", "place": "Salle 2"})
    first, second = Meeting.objects.order_by("starts_at")
    sec.post(reverse("commission:item_add_request", args=[first.public_id]), {"request": request.public_id})
    before = db_snapshot()
    # The same request on a second agenda: it is no longer offered, and a forged POST is refused.
    response = sec.post(
        reverse("commission:item_add_request", args=[second.public_id]), {"request": request.public_id}
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in text(response)
    # An opinion before the meeting was held; a recusal of someone not convened; tampered ids.
    item = first.items.get()
    response = sec.post(
        reverse("commission:opinion", args=[first.public_id, item.public_id]),
        {"opinion": "favourable", "motive": "x"},
        follow=True,
    )
    assert "Relevez d'abord les présences : l'avis se donne en séance." in messages(response)
    response = sec.post(
        reverse("commission:recusal_add", args=[first.public_id, item.public_id]),
        {"mandate": commission.mandates["doctor"].public_id, "reason": "Lien personnel"},
    )
    assert response.status_code == 200 and "Sélectionnez un choix valide" in text(
        response
    )  # nobody convened yet
    assert (
        sec.post(reverse("commission:opinion", args=[second.public_id, item.public_id]), {}).status_code
        == 404
    )
    assert sec.get("/commission/seances/pas-un-uuid/").status_code == 404
    assert_unchanged(before)


def test_no_opinion_without_quorum_over_http(sec, actors, commission, pathway):
    request = ready_request(actors, pathway)
    day = (timezone.localdate() + timedelta(days=8)).isoformat()
    sec.post(
        reverse("commission:meeting_create"),
        {"kind": "restricted", "day": day, "time": "09:30", "place": "Salle"},
    )
    meeting = Meeting.objects.get()
    sec.post(reverse("commission:item_add_request", args=[meeting.public_id]), {"request": request.public_id})
    sec.post(reverse("commission:convene", args=[meeting.public_id]), {"confirmation": "oui"})
    item = meeting.items.get()
    with time_machine.travel(meeting.starts_at + timedelta(hours=1)):
        sec = client_for(actors["secretariat"])
        one = [meeting.convocations.get(mandate=commission.mandates["doctor"]).public_id]
        response = sec.post(
            reverse("commission:attendance", args=[meeting.public_id]), {"present": one}, follow=True
        )
        assert "quorum NON atteint (1 sièges sur 4, 2 requis)" in " ".join(messages(response))
        response = sec.post(
            reverse("commission:opinion", args=[meeting.public_id, item.public_id]),
            {"opinion": "favourable", "motive": "Projet solide"},
            follow=True,
        )
        assert any("Le quorum n'est pas atteint" in m for m in messages(response))
    request.refresh_from_db()
    assert request.state == RequestState.READY
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD
    assert Convocation.objects.filter(meeting=meeting, present=True).count() == 1


def test_meeting_page_query_budget(sec, actors, commission, pathway, django_assert_max_num_queries):
    ready_request(actors, pathway)
    day = (timezone.localdate() + timedelta(days=8)).isoformat()
    sec.post(
        reverse("commission:meeting_create"),
        {"kind": "restricted", "day": day, "time": "09:30", "place": "Salle"},
    )
    meeting = Meeting.objects.get()
    for n in range(5):
        sec.post(reverse("commission:item_add_free", args=[meeting.public_id]), {"title": f"Point {n}"})
    with django_assert_max_num_queries(40):
        assert sec.get(reverse("commission:meeting_detail", args=[meeting.public_id])).status_code == 200


def test_the_pathway_page_points_to_the_meeting_and_to_the_decision(sec, actors, commission, pathway):
    from parcours.commission import services as cs

    from .conftest import in_days

    request = ready_request(actors, pathway)
    meeting = cs.schedule_meeting(
        actor=actors["secretariat"], kind="restricted", starts_at=in_days(8), place="Salle"
    )
    item = cs.add_request_item(actor=actors["secretariat"], meeting=meeting, request=request)
    page = text(sec.get(reverse("pathways:detail", args=[pathway.public_id])))
    assert "Inscrite à l'ordre du jour de la formation restreinte" in page
    assert reverse("commission:meeting_detail", args=[meeting.public_id]) in page
    cs.convene(actor=actors["secretariat"], meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=started_ago(1))
    meeting.refresh_from_db()
    cs.record_attendance(
        actor=actors["secretariat"], meeting=meeting, present_ids={c.pk for c in meeting.convocations.all()}
    )
    cs.record_item_opinion(actor=actors["secretariat"], item=item, opinion="favourable", motive="Oui")
    item.refresh_from_db()
    decision = cs.draft_decision(actor=actors["secretariat"], item=item, outcome="authorised")
    page = text(client_for(actors["signatory"]).get(reverse("pathways:detail", args=[pathway.public_id])))
    assert "Décision préfectorale préparée, à signer." in page
    assert reverse("commission:decision_detail", args=[decision.public_id]) in page
    assert 'data-testid="record-decision"' not in page  # decided through the commission, not here


def test_the_ready_requests_are_listed_a_page_at_a_time_and_several_can_be_ticked(
    sec, actors, association, commission, django_assert_max_num_queries
):
    worker, today = actors["association_worker"], timezone.localdate()
    n = REQUEST_POOL_PAGE_SIZE + 5
    people = PersonFactory.create_batch(n, organisation=association, created_by=worker.user)
    pathways = [psp.start_pathway(actor=worker, person=person) for person in people]
    for days, pathway in enumerate(pathways):  # the oldest first
        Request.objects.filter(pathway=pathway).update(
            state=RequestState.READY, submitted_on=today - timedelta(days=n - days)
        )
    day = today + timedelta(days=8)
    sec.post(
        reverse("commission:meeting_create"),
        {"kind": "restricted", "day": day.isoformat(), "time": "14:00", "place": "Préfecture, salle 2"},
    )
    meeting = Meeting.objects.get()
    detail = reverse("commission:meeting_detail", args=[meeting.public_id])
    with django_assert_max_num_queries(40):
        first = sec.get(detail)
    page = text(first)
    assert page.count('name="request"') == REQUEST_POOL_PAGE_SIZE
    assert f"{n} demandes prêtes à inscrire" in page
    assert pathways[0].person.pseudonym in page and pathways[-1].person.pseudonym not in page
    second = text(sec.get(detail, {"demandes": 2}))
    assert second.count('name="request"') == n - REQUEST_POOL_PAGE_SIZE
    assert pathways[-1].person.pseudonym in second
    # Two ticked, one of them from the second page: both on the agenda, in one go.
    chosen = [pathways[1].requests.get(), pathways[-1].requests.get()]
    response = sec.post(
        reverse("commission:item_add_request", args=[meeting.public_id]),
        {"request": [str(r.public_id) for r in chosen]},
    )
    assert response.status_code == 302
    assert sorted(meeting.items.values_list("request_id", flat=True)) == sorted(r.pk for r in chosen)
    # Nothing ticked: said in the form, nothing saved.
    before = db_snapshot()
    response = sec.post(reverse("commission:item_add_request", args=[meeting.public_id]), {})
    assert response.status_code == 200
    assert "Cochez au moins une demande à inscrire." in text(response)
    assert_unchanged(before)
