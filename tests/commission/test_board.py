"""The commission's sections of the « À traiter » board load their most urgent items only and say the true
count, with a link to the page that shows them all where one exists, in a number of queries that does not
grow with the items."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.commission.models import AgendaItem, Meeting, MeetingKind, MeetingState, PlanAction, Situation
from parcours.core.models import OrganisationKind
from tests.conftest import client_for
from tests.deadlines.helpers import assert_limited, limit_board, listed, read_board
from tests.factories import DetectionFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _meeting(departement, days: int, state=MeetingState.HELD, kind=MeetingKind.COORDINATION) -> Meeting:
    day = timezone.localdate() + timedelta(days=days)
    starts_at = timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 14, 0))
    return Meeting.objects.create(
        departement=departement, kind=kind, starts_at=starts_at, place="Salle fictive", state=state
    )


@pytest.fixture
def coordination(actors, departement):
    """Two coordination meetings held (30 and 10 days ago) and the organisation that carries the actions."""
    return {
        "sec": actors["secretariat"],
        "earlier": _meeting(departement, -30),
        "later": _meeting(departement, -10),
        "owner": OrganisationFactory(
            departement=departement, kind=OrganisationKind.OTHER, name="ASE fictive"
        ),
    }


def _situations(world, n: int, *, start: int = 0) -> list[Situation]:
    """`n` open situations, on both meetings, each with an overdue action (every other one with a second,
    later, and with one done), the one overdue for longest first."""
    today, sec = timezone.localdate(), world["sec"]
    situations = []
    for i in range(start, start + n):
        situation = Situation.objects.create(
            departement=sec.departement, detection=DetectionFactory(minor=True), opened_by=sec.user
        )
        items = {
            key: AgendaItem.objects.create(
                meeting=world[key], kind=AgendaItem.Kind.SITUATION, situation=situation, order=i
            )
            for key in ("earlier", "later")
        }
        dues = [today - timedelta(days=200 - i)] + ([today - timedelta(days=5)] if i % 2 == 0 else [])
        for due in dues:
            PlanAction.objects.create(
                situation=situation,
                item=items["earlier"],
                organisation=world["owner"],
                what="Visite",
                due_on=due,
            )
        PlanAction.objects.create(
            situation=situation,
            item=items["earlier"],
            organisation=world["owner"],
            what="Audition",
            due_on=today - timedelta(days=300),
            status=PlanAction.Status.DONE,
        )
        situation.items = items
        situations.append(situation)
    return situations


def test_overdue_plan_actions_one_line_per_situation_limited_with_their_true_count(coordination, monkeypatch):
    limit = limit_board(monkeypatch)
    client = client_for(coordination["sec"])
    first = _situations(coordination, 5)
    # A closed situation is not followed any more.
    [closed] = _situations(coordination, 1, start=50)
    Situation.objects.filter(pk=closed.pk).update(
        state=Situation.State.CLOSED, closed_on=timezone.localdate()
    )

    five = read_board(client, "coordination_overdue_actions")
    # No page lists the situations: the board says how many it shows.
    assert_limited(five, total=5, limit=limit, more_url=None)
    assert "Coordination des parcours des mineurs : actions en retard</a> : 5, dont 5 en retard" in five.page
    top = five.section.items[0]
    assert top.label == f"Situation {first[0].detection.pseudonym} — 2 action(s) du plan en retard"
    assert top.due == timezone.localdate() - timedelta(days=200)
    assert top.extra == "ASE fictive : en cours"
    # It links to the situation's point on the latest meeting.
    later_item = first[0].items["later"]
    assert top.url == reverse("commission:meeting_detail", args=[coordination["later"].public_id]) + (
        f"#point-{later_item.public_id}"
    )
    assert [i.label.split(" — ")[0] for i in five.section.items] == [
        f"Situation {s.detection.pseudonym}" for s in first[:limit]
    ]

    _situations(coordination, 15, start=5)
    twenty = read_board(client, "coordination_overdue_actions")
    assert_limited(twenty, total=20, limit=limit, more_url=None)
    assert twenty.queries == five.queries


def test_minutes_to_write_limited_with_their_true_count_and_the_list_of_held_meetings(
    actors, departement, monkeypatch
):
    limit = limit_board(monkeypatch)
    client = client_for(actors["secretariat"])
    for days in range(-60, -55):
        _meeting(departement, days, kind=MeetingKind.RESTRICTED)
    _meeting(departement, -50, state=MeetingState.CLOSED, kind=MeetingKind.RESTRICTED)
    more = reverse("commission:meeting_list") + "?etat=held"

    five = read_board(client, "minutes_to_write")
    assert_limited(five, total=5, limit=limit, more_url=more)
    assert "5 résultats" in listed(client, more)

    for days in range(-40, -25):
        _meeting(departement, days, kind=MeetingKind.RESTRICTED)
    twenty = read_board(client, "minutes_to_write")
    assert_limited(twenty, total=20, limit=limit, more_url=more)
    assert twenty.queries == five.queries
    assert "20 résultats" in listed(client, more)
