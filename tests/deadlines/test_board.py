"""The "À traiter" board says what to do first: each case once, ranked by urgency (overdue first, then by
date), grouped by kind with counts and a verb; an association's worker reads the names of its own people,
never another association's."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.core import crypto
from parcours.core.board import BOARD_SECTION_LIMIT, BoardItem, BoardSection
from parcours.core.models import AuditEvent
from parcours.core.views_base import PAGE_SIZE
from parcours.deadlines.selectors import _one_line_per_case
from parcours.pathways import services as psp
from parcours.pathways.models import Request, RequestState, ResidencePermit
from tests.conftest import client_for, drive_to_decision
from tests.factories import PersonFactory, make_actor

pytestmark = pytest.mark.django_db

CANARY = "Canariotte"  # another association's person: must never reach this association's board


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def world(actors, association, other_association):
    worker, today = actors["association_worker"], timezone.localdate()

    def authorised(person, days_ago, actors=actors):
        pathway = psp.start_pathway(actor=actors["association_worker"], person=person)
        drive_to_decision(actors, pathway, day=today - timedelta(days=days_ago))
        return pathway

    # Period over about three weeks ago, nothing done: overdue.
    over = authorised(
        PersonFactory(organisation=association, created_by=worker.user, last_name="Ardoisine"), 200
    )
    # Period ending in about a month and a residence permit expiring in 20 days: one case, two things.
    ending = authorised(
        PersonFactory(organisation=association, created_by=worker.user, last_name="Brumaire"), 150
    )
    ResidencePermit.objects.filter(pathway=ending).update(
        status="issued", issued_on=today - timedelta(days=140), expires_on=today + timedelta(days=20)
    )
    # A request in preparation: no date.
    draft = psp.start_pathway(
        actor=worker,
        person=PersonFactory(organisation=association, created_by=worker.user, last_name="Cendrée"),
    )
    # Another association's person, overdue too.
    other_worker = make_actor("association_worker", other_association)
    canary = PersonFactory(organisation=other_association, created_by=other_worker.user, last_name=CANARY)
    authorised(canary, 200, actors={**actors, "association_worker": other_worker})
    return {"over": over, "ending": ending, "draft": draft, "canary": canary, "other_worker": other_worker}


def _board(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def test_each_case_once_ranked_by_urgency_with_counts_and_a_verb(actors, world):
    response = _board(client_for(actors["association_worker"]))
    sections = [s for s in response.context["sections"] if s.items]
    keys = [s.key for s in sections]
    # The overdue group comes first, then by date (the permit expiring in 20 days before the drafts).
    assert keys[0] == "periods_over"
    assert keys.index("permits") < keys.index("drafts")
    # The case with a permit and a period ending is listed once, under its most urgent item, the other folded.
    people = [i.person.pk for s in sections for i in s.items if i.person is not None]
    assert len(people) == len(set(people))
    [permit] = next(s for s in sections if s.key == "permits").items
    assert permit.person == world["ending"].person
    assert [a.due_label for a in permit.also] == ["fin le"]
    assert "periods_ending" not in keys  # its only case is folded under the permit
    page = text(response)
    assert "3 dossiers à traiter" in page
    assert "Périodes échues sans suite</a> : 1, dont 1 en retard" in page
    assert "À faire :</strong> Demander le renouvellement ou signaler la fin du parcours." in page
    assert "Aussi :" in page
    assert page.index("Ardoisine".upper()) < page.index("Brumaire".upper()) < page.index("Cendrée".upper())


def test_ranking_puts_overdue_first_then_by_date_and_undated_last():
    today = timezone.localdate()

    def item(label, days, due_label):
        return BoardItem(
            label=label,
            url="/",
            due=today + timedelta(days=days) if days is not None else None,
            due_label=due_label,
        )

    section = BoardSection(
        "x",
        "X",
        [
            item("sans date", None, ""),
            item("transmise il y a 3 jours", -3, "transmise le"),
            item("expire dans 5 jours", 5, "expire le"),
            item("échue hier", -1, "échue le"),
            item("échue il y a 10 jours", -10, "échue le"),
        ],
    )
    [ranked] = _one_line_per_case([section], today)
    assert [i.label for i in ranked.items] == [
        "échue il y a 10 jours",
        "échue hier",
        "transmise il y a 3 jours",  # waiting since a past date: not late, but older than a coming deadline
        "expire dans 5 jours",
        "sans date",
    ]
    assert [i.overdue for i in ranked.items] == [True, True, False, False, False]


def test_the_association_reads_its_people_names_journaled(actors, world):
    worker = actors["association_worker"]
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    page = text(_board(client_for(worker)))
    for key in ("over", "ending", "draft"):
        person = world[key].person
        assert f"{person.last_name.upper()} {person.first_name} ({person.pseudonym})" in page
    # One read event per person named, by this worker.
    events = AuditEvent.objects.filter(pk__gt=before, action="view", object_type="people.person")
    named = {str(world[k].person.public_id) for k in ("over", "ending", "draft")}
    assert sorted(e.object_id for e in events) == sorted(named)
    assert all(e.user_id == worker.user.pk for e in events)


def test_a_worker_never_sees_another_associations_person(actors, world):
    page = text(_board(client_for(actors["association_worker"])))
    assert CANARY.upper() not in page and CANARY not in page
    assert world["canary"].pseudonym not in page
    # The other association sees its own person by name, and none of ours.
    other = text(_board(client_for(world["other_worker"])))
    assert CANARY.upper() in other
    assert "ARDOISINE" not in other and world["over"].person.pseudonym not in other


def test_the_prefecture_reads_codes_only(actors, world):
    page = text(_board(client_for(actors["secretariat"])))
    assert world["over"].person.pseudonym in page and world["canary"].pseudonym in page
    for name in ("ARDOISINE", "BRUMAIRE", CANARY.upper()):
        assert name not in page


@pytest.fixture
def many_to_check(actors, association):
    """More requests to check than the board loads: each transmitted a day apart, the oldest first."""
    worker, today = actors["association_worker"], timezone.localdate()
    n = BOARD_SECTION_LIMIT + 5
    people = PersonFactory.create_batch(n, organisation=association, created_by=worker.user)
    pathways = [psp.start_pathway(actor=worker, person=person) for person in people]
    for days, pathway in enumerate(pathways):
        Request.objects.filter(pathway=pathway).update(
            state=RequestState.SUBMITTED, submitted_on=today - timedelta(days=n - days)
        )
    return pathways


def test_a_long_section_shows_its_most_urgent_items_its_true_count_and_a_link_to_them_all(
    actors, many_to_check, django_assert_max_num_queries
):
    client = client_for(actors["secretariat"])
    # Constant: one or two per section (the agréments' legal clocks: one per kind of clock; the appeal
    # deadlines: the letters and the procedures notified; the attestations asked for; the plenaries held
    # and planned this year; the payer's notices to send, to chase and to follow to the payment, the AFIS a
    # revaluation reaches, the transfers to accept and to close; the rights requests awaiting an answer).
    with django_assert_max_num_queries(48):
        response = _board(client)
    n = len(many_to_check)
    [to_check] = [s for s in response.context["sections"] if s.key == "to_check"]
    assert to_check.count == n and len(to_check.items) == BOARD_SECTION_LIMIT
    # The oldest transmitted first; the badge says the true count, and the link leads to them all.
    assert [i.person for i in to_check.items] == [p.person for p in many_to_check[:BOARD_SECTION_LIMIT]]
    page = text(response)
    assert f'data-testid="board-count">{n}</span>' in page
    assert f"{n} dossiers à traiter" in page
    more = reverse("pathways:list") + "?a_traiter=verifier"
    assert f'<a href="{more}" data-testid="board-more">Voir les {n}</a>' in page
    listed = text(client.get(more))
    assert f"{n} résultats" in listed
    assert all(p.person.pseudonym in listed for p in many_to_check[:PAGE_SIZE])
    # The filter is the board's: a request in preparation is not among them.
    Request.objects.filter(pathway=many_to_check[0]).update(state=RequestState.DRAFT)
    assert f"{n - 1} résultats" in text(client.get(more))


@pytest.fixture
def decryptions(monkeypatch):
    """How many encrypted values the code decrypts (every encrypted field decrypts through this function)."""
    calls = []
    real = crypto.decrypt_str
    monkeypatch.setattr(crypto, "decrypt_str", lambda token: calls.append(1) or real(token))
    return calls


def test_pages_that_name_people_by_their_code_decrypt_no_identity(actors, many_to_check, decryptions):
    secretariat = client_for(actors["secretariat"])
    page = text(_board(secretariat))
    assert many_to_check[0].person.pseudonym in page
    listed = text(secretariat.get(reverse("pathways:list")))
    assert many_to_check[-1].person.pseudonym in listed
    assert decryptions == []
    # The association's worker reads names: the names only are decrypted, not the rest of the identity.
    Request.objects.filter(pathway__in=many_to_check).update(state=RequestState.INCOMPLETE)
    page = text(_board(client_for(actors["association_worker"])))
    assert many_to_check[0].person.last_name.upper() in page
    decryptions.clear()
    _board(client_for(actors["association_worker"]))
    assert 0 < len(decryptions) <= 3 * BOARD_SECTION_LIMIT  # birth name, first name, usual name
