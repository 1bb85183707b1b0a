"""The signatory's pathways: those with a request at or past the opinion, each once, found by EXISTS (no
DISTINCT over the pathway's and its person's wide rows)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.pathways import services as psp
from parcours.pathways.selectors import pathways_visible_to
from tests.conftest import client_for, drive_to_decision
from tests.factories import PersonFactory
from tests.pathways.test_services import extend_agrement, renew

pytestmark = pytest.mark.django_db


def test_a_pathway_with_two_decided_requests_is_listed_once_without_distinct(actors, association, pathway):
    day = timezone.localdate() - timedelta(days=170)
    extend_agrement(association, day - timedelta(days=30))
    drive_to_decision(actors, pathway, day=day)
    renew(actors, pathway, day=timezone.localdate())  # two authorised requests
    # A pathway still in preparation is not the signatory's.
    psp.start_pathway(
        actor=actors["association_worker"],
        person=PersonFactory(organisation=association, created_by=actors["association_worker"].user),
    )
    signatory = actors["signatory"]
    scope = pathways_visible_to(signatory)
    assert not scope.query.distinct
    assert list(scope) == [pathway]
    listed = client_for(signatory).get(reverse("pathways:list"))
    assert [p.pk for p in listed.context["page"]] == [pathway.pk]
