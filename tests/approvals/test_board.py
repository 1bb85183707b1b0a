"""The agrément sections of the « À traiter » board load their most urgent items only, say the true count and
link to the list of associations filtered on them, in a number of queries that does not grow with the items;
the legal clocks are selected in SQL exactly as the model's clocks compute them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.approvals import rules
from parcours.approvals.board import approvals_board
from parcours.approvals.models import AgrementApplication, ApplicationKind, ApplicationState
from parcours.core.models import OrganisationKind
from tests.conftest import client_for
from tests.deadlines.helpers import assert_limited, limit_board, listed, read_board
from tests.factories import AgrementFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _association(departement, name):
    return OrganisationFactory(departement=departement, kind=OrganisationKind.ASSOCIATION, name=name)


def _application(departement, name, state, **dates):
    return AgrementApplication.objects.create(
        departement=departement,
        organisation=_association(departement, name),
        kind=ApplicationKind.RENEWAL,
        state=state,
        **dates,
    )


def _to_check(departement, i, today):
    return _application(
        departement,
        f"Asso à vérifier {i:02d}",
        ApplicationState.SUBMITTED,
        received_on=today - timedelta(days=30 - i),
    )


def _clock(departement, i, today):
    # Deemed complete within the warning: received a little less than 2 months ago.
    received = rules.latest_start(rules.completeness_deadline, today) + timedelta(days=1 + i % 10)
    return _application(
        departement, f"Asso au délai {i:02d}", ApplicationState.SUBMITTED, received_on=received
    )


def _opinion(departement, i, today):
    return _application(
        departement,
        f"Asso pour avis {i:02d}",
        ApplicationState.AWAITING_OPINION,
        received_on=today - timedelta(days=40),
        complete_on=today - timedelta(days=30 - i),
    )


def _to_decide(departement, i, today):
    return _application(
        departement,
        f"Asso à décider {i:02d}",
        ApplicationState.REVIEWED,
        received_on=today - timedelta(days=40),
        complete_on=today - timedelta(days=30),
        opinion="favourable",
        opinion_date=today - timedelta(days=10),
    )


def _expiring(departement, i, today):
    return AgrementFactory(
        organisation=_association(departement, f"Asso expirant {i:02d}"),
        valid_from=today - timedelta(days=900),
        valid_until=today + timedelta(days=20 + i),
    )


SECTIONS = {
    "approvals_to_check": ("a-verifier", _to_check),
    "approvals_clocks": ("delais", _clock),
    "approvals_opinion": ("avis-commission", _opinion),
    "approvals_to_decide": ("a-decider", _to_decide),
    "approvals_expiring": ("expirant", _expiring),
}


@pytest.mark.parametrize("key", list(SECTIONS))
def test_a_section_is_limited_with_its_true_count_and_the_list_of_them_all(
    actors, departement, monkeypatch, key
):
    limit = limit_board(monkeypatch)
    filter_key, build = SECTIONS[key]
    today = timezone.localdate()
    client = client_for(actors["secretariat"])
    rows = [build(departement, i, today) for i in range(5)]
    more = reverse("approvals:list") + f"?a_traiter={filter_key}"

    five = read_board(client, key)
    assert_limited(five, total=5, limit=limit, more_url=more)
    page = listed(client, more)
    assert "5 associations" in page
    assert all(r.organisation.name in page for r in rows)
    assert actors["association_worker"].organisation.name not in page  # not to handle

    [build(departement, i, today) for i in range(5, 20)]
    twenty = read_board(client, key)
    assert_limited(twenty, total=20, limit=limit, more_url=more)
    assert twenty.queries == five.queries
    assert "20 associations" in listed(client, more)


def test_the_signatory_decides_from_the_list_of_them_all(actors, departement, monkeypatch):
    limit = limit_board(monkeypatch)
    today = timezone.localdate()
    rows = [_to_decide(departement, i, today) for i in range(5)]
    client = client_for(actors["signatory"])
    more = reverse("approvals:list") + "?a_traiter=a-decider"
    assert_limited(read_board(client, "approvals_to_decide"), total=5, limit=limit, more_url=more)
    page = listed(client, more)
    assert "5 associations" in page and all(r.organisation.name in page for r in rows)


def test_the_clocks_in_sql_are_the_models_clocks(actors, departement, monkeypatch):
    """Every day around the warnings' edges, in every state: the section holds exactly the applications
    whose completeness deadline or tacit approval (as the model computes them) call for action."""
    limit_board(monkeypatch, 1000)
    today = timezone.localdate()
    states = [
        ApplicationState.SUBMITTED,
        ApplicationState.COMPLETE,
        ApplicationState.AWAITING_OPINION,
        ApplicationState.INCOMPLETE,
        ApplicationState.REVIEWED,
    ]
    applications = []
    for days in range(30, 230, 3):
        for n, state in enumerate(states):
            dates = {"received_on": today - timedelta(days=days)}
            if state not in (ApplicationState.SUBMITTED, ApplicationState.INCOMPLETE):
                dates["complete_on"] = today - timedelta(days=days - 10)
            applications.append(_application(departement, f"Asso {days:03d}-{n}", state, **dates))
    decided = applications[-3]
    AgrementApplication.objects.filter(pk=decided.pk).update(decided_on=today)
    expected = []
    for a in AgrementApplication.objects.filter(departement=departement):
        deadline = a.completeness_deadline
        if a.state == ApplicationState.SUBMITTED and deadline <= today + timedelta(
            days=rules.COMPLETENESS_WARNING_DAYS
        ):
            expected.append((a.public_id, deadline, "complétude réputée acquise"))
        tacit_on = (
            None
            if a.state in (ApplicationState.DRAFT, ApplicationState.INCOMPLETE)
            else a.tacit_approval_on(today)
        )
        if tacit_on and tacit_on <= today + timedelta(days=rules.TACIT_WARNING_DAYS):
            expected.append((a.public_id, tacit_on, "agrément tacite si aucune décision"))
    [clocks] = [s for s in approvals_board(actors["secretariat"], today) if s.key == "approvals_clocks"]
    got = [(i.url.split("/")[-2], i.due, i.label.split(" — ")[1]) for i in clocks.items]
    assert sorted((str(p), d, label) for p, d, label in expected) == sorted(got)
    assert [i.due for i in clocks.items] == sorted(i.due for i in clocks.items)
    assert 10 < len(got) < len(applications)
