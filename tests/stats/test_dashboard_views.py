"""The dashboard as a request: how it meets the embedded database."""

from __future__ import annotations

from django.urls import reverse


def test_the_dashboard_reads_outside_the_request_transaction():
    """On the embedded SQLite a request's transaction takes the write lock (IMMEDIATE): the dashboard, which
    only reads (and reads a lot), stays outside it so that concurrent readers do not queue behind it and
    time out (measured: 3 « database is locked » in 20 s with 16 clients before)."""
    from django.urls import resolve

    assert "default" in resolve(reverse("stats:dashboard")).func._non_atomic_requests


def test_the_dashboards_queries_do_not_grow_with_the_records(db, actors):
    """One query per indicator and period whatever the number of records (no N+1): ten times more
    detections, requests and outreach rounds, the same number of queries."""
    from datetime import date

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parcours.core.roles import Role
    from tests.conftest import client_for
    from tests.factories import (
        DetectionFactory,
        OutreachRoundFactory,
        PathwayFactory,
        PersonFactory,
        RequestFactory,
    )

    secretariat = client_for(actors[Role.SECRETARIAT])
    partner = actors[Role.PARTNER_ADVISOR].organisation
    association = actors[Role.ASSOCIATION_WORKER].organisation
    url = reverse("stats:dashboard") + "?annee=2025"

    def add(n):
        for i in range(n):
            DetectionFactory(
                organisation=partner, departement=partner.departement, detected_on=date(2025, 3, 1 + i)
            )
            OutreachRoundFactory(organisation=partner, held_on=date(2025, 4, 1 + i))
            pathway = PathwayFactory(person=PersonFactory(organisation=association))
            RequestFactory(pathway=pathway, decided=True, submitted_on=date(2025, 5, 1 + i))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert secretariat.get(url).status_code == 200
        return len(captured)

    add(2)
    secretariat.get(url)  # session and middleware warmed
    few = queries()
    add(18)
    assert queries() == few
