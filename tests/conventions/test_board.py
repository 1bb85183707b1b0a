"""The secretariat's « actions en retard » section loads its most urgent actions only, says the true count
and links to the strategy list that shows them all, in a number of queries that does not grow with them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.conventions.models import ActionStatus
from tests.conftest import client_for
from tests.deadlines.helpers import assert_limited, limit_board, listed, read_board
from tests.factories import ObjectiveFactory, StrategyActionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objective(actors, departement):
    return ObjectiveFactory(
        strategy__departement=departement, strategy__created_by=actors["secretariat"].user
    )


def _overdue(objective, owner, n: int, *, start: int = 0):
    today = timezone.localdate()
    return [
        StrategyActionFactory(
            objective=objective,
            owner=owner,
            deadline=today - timedelta(days=100 - start - i),
            status=ActionStatus.IN_PROGRESS if i % 2 else ActionStatus.PLANNED,
        )
        for i in range(n)
    ]


def test_overdue_actions_limited_with_their_true_count_and_the_list(actors, objective, monkeypatch):
    limit = limit_board(monkeypatch)
    owner = actors["partner_advisor"].organisation
    client = client_for(actors["secretariat"])
    first = _overdue(objective, owner, 5)
    # Not overdue: done, abandoned, or its deadline ahead.
    today = timezone.localdate()
    done = StrategyActionFactory(
        objective=objective, owner=owner, deadline=today - timedelta(days=200), status=ActionStatus.DONE
    )
    StrategyActionFactory(
        objective=objective, owner=owner, deadline=today - timedelta(days=1), status=ActionStatus.ABANDONED
    )
    ahead = StrategyActionFactory(objective=objective, owner=owner, deadline=today + timedelta(days=1))
    more = reverse("conventions:strategy_list") + "?a_traiter=actions-en-retard"

    five = read_board(client, "strategy_overdue")
    assert_limited(five, total=5, limit=limit, more_url=more)
    assert [i.label.split(" — ")[0] for i in five.section.items] == [a.title for a in first[:limit]]
    assert "Actions de la stratégie départementale en retard</a> : 5, dont 5 en retard" in five.page
    page = listed(client, more)
    assert "5 résultats" in page and page.count('data-testid="overdue-action"') == 5
    assert all(a.title in page for a in first)
    assert done.title not in page and ahead.title not in page
    # Without the filter, the list of strategies only.
    assert 'data-testid="overdue-actions"' not in listed(client, reverse("conventions:strategy_list"))

    _overdue(objective, owner, 15, start=50)
    twenty = read_board(client, "strategy_overdue")
    assert_limited(twenty, total=20, limit=limit, more_url=more)
    assert twenty.queries == five.queries
    assert "20 résultats" in listed(client, more)
