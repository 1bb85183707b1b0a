from datetime import timedelta

import pytest
from django.utils import timezone

from parcours.pathways.models import PathwayState, RequestState

pytestmark = pytest.mark.django_db


def test_active_pathway_fixture_opens_a_six_month_period(active_pathway):
    assert active_pathway.state == PathwayState.ACTIVE
    period = active_pathway.periods.get()
    assert period.start == timezone.localdate() - timedelta(days=10)
    assert active_pathway.requests.get().state == RequestState.AUTHORISED


def test_board_renders_for_every_role(clients):
    """Every role lands on a page of its own from « / »: its board, or (national analyst) its statistics."""
    for role, client in clients.items():
        response = client.get("/", follow=True)
        assert response.status_code == 200, role
