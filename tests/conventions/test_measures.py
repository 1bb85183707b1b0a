"""The measures of pathways and commission that conventions show (parcours.stats.registry)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from parcours.commission.models import Meeting, MeetingKind, MeetingState
from parcours.pathways import services as psp
from parcours.stats import registry
from parcours.stats.registry import Scope
from tests.conftest import drive_to_decision
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

CODES = (
    "pathways.requests_submitted",
    "pathways.authorisations",
    "pathways.refusals",
    "pathways.renewals",
    "pathways.active_at_end",
    "commission.meetings_held",
    "commission.decisions_signed",
)


def _scope(departement, days=30, organisation=None, end=None):
    end = end or timezone.localdate()
    return Scope(
        departement=departement, start=end - timedelta(days=days), end=end, organisation=organisation
    )


def test_every_measure_is_registered_with_a_french_definition():
    for code in CODES:
        measure = registry.get(code)
        assert measure.unit == "count"
        assert len(measure.definition) > 60 and measure.label


def test_an_empty_departement_counts_zero(departement):
    for code in CODES:
        assert registry.get(code).value(_scope(departement)) == 0


def test_authorisation_submission_and_active_pathway(actors, person, departement, association):
    pathway = psp.start_pathway(actor=actors["association_worker"], person=person)
    drive_to_decision(actors, pathway, day=timezone.localdate() - timedelta(days=5))
    scope = _scope(departement)
    assert registry.get("pathways.requests_submitted").value(scope) == 1
    assert registry.get("pathways.requests_submitted").breakdown(scope, "kind") == {
        "Demande d'engagement": 1,
        "Demande de renouvellement": 0,
    }
    assert registry.get("pathways.authorisations").value(scope) == 1
    assert registry.get("pathways.refusals").value(scope) == 0
    assert registry.get("pathways.renewals").value(scope) == 0
    assert registry.get("pathways.active_at_end").value(scope) == 1
    # Before the decision, the pathway was not under way; another association has none.
    assert (
        registry.get("pathways.active_at_end").value(
            _scope(departement, end=timezone.localdate() - timedelta(days=6))
        )
        == 0
    )
    other = OrganisationFactory(departement=departement)
    assert registry.get("pathways.authorisations").value(_scope(departement, organisation=other)) == 0
    assert registry.get("pathways.authorisations").value(_scope(departement, organisation=association)) == 1


def test_refusal_is_counted_on_its_decision_day(actors, person, departement):
    pathway = psp.start_pathway(actor=actors["association_worker"], person=person)
    drive_to_decision(actors, pathway, decision="refused", day=timezone.localdate() - timedelta(days=40))
    assert registry.get("pathways.refusals").value(_scope(departement, days=30)) == 0
    assert registry.get("pathways.refusals").value(_scope(departement, days=60)) == 1
    assert registry.get("pathways.active_at_end").value(_scope(departement)) == 0


def test_meetings_held_by_kind_and_none_for_an_organisation(departement, association):
    day = timezone.localdate() - timedelta(days=3)
    starts = timezone.now() - timedelta(days=3)
    for kind, state in [
        (MeetingKind.PLENARY, MeetingState.HELD),
        (MeetingKind.RESTRICTED, MeetingState.CLOSED),
        (MeetingKind.RESTRICTED, MeetingState.CANCELLED),
    ]:
        Meeting.objects.create(
            departement=departement,
            kind=kind,
            starts_at=starts,
            place="Salle",
            state=state,
            held_on=day if state != MeetingState.CANCELLED else None,
        )
    measure = registry.get("commission.meetings_held")
    assert measure.value(_scope(departement)) == 2
    assert measure.breakdown(_scope(departement), "kind") == {
        "Séance plénière": 1,
        "Formation restreinte (demandes individuelles)": 1,
        "Formation de coordination des parcours des mineurs (décret du 30 décembre 2025)": 0,
    }
    assert measure.value(_scope(departement, organisation=association)) is None
