"""Measures of parcours/actions in the one registry: totals, breakdowns, and None where there is no source."""

from __future__ import annotations

from datetime import date

import pytest

from parcours.actions.models import EstablishmentKind
from parcours.stats import registry
from parcours.stats.registry import Scope
from tests.factories import (
    ClientCourseSessionFactory,
    EstablishmentFactory,
    OrganisationFactory,
    OutreachRoundFactory,
    PreventionActionFactory,
    TrainingFactory,
)

pytestmark = pytest.mark.django_db

YEAR = Scope(departement=None, start=date(2025, 1, 1), end=date(2025, 12, 31))


@pytest.fixture
def world(departement):
    ml = OrganisationFactory(departement=departement, name="Mission locale fictive")
    asso = OrganisationFactory(departement=departement, name="Association fictive")
    OutreachRoundFactory(
        organisation=ml, held_on=date(2025, 3, 4), online=True
    )  # 12 contacts, 8 met, 1 minor
    OutreachRoundFactory(
        organisation=asso, held_on=date(2025, 3, 20), contacts=20, people_met=10, minors_met=3
    )
    OutreachRoundFactory(organisation=asso, held_on=date(2024, 12, 31))  # outside the year
    colleges = [EstablishmentFactory(departement=departement) for _ in range(5)]
    action = PreventionActionFactory(organisation=asso, held_on=date(2025, 10, 2), people_reached=150)
    action.establishments.set(colleges[:2])
    TrainingFactory(organisation=ml, held_on=date(2025, 6, 1))  # 15 attendees, 6 h
    TrainingFactory(organisation=asso, held_on=date(2025, 6, 9), hours=3)
    ClientCourseSessionFactory(organisation=asso, held_on=date(2025, 4, 1))  # ordered 6/2/1, completed 5/2/1
    return {"scope": Scope(departement=departement, start=YEAR.start, end=YEAR.end), "ml": ml, "asso": asso}


def value(code, scope):
    return registry.get(code).value(scope)


def test_totals(world):
    scope = world["scope"]
    assert value("actions.outreach_rounds", scope) == 2
    assert value("actions.outreach_contacts", scope) == 32
    assert value("actions.outreach_people_met", scope) == 18
    assert value("actions.outreach_minors_met", scope) == 4
    assert value("actions.outreach_reports", scope) == 2
    assert value("actions.prevention_actions", scope) == 1
    assert value("actions.prevention_people_reached", scope) == 150
    assert value("actions.prevention_college_coverage", scope) == 40.0
    assert registry.get("actions.prevention_college_coverage").population(scope) == 5
    assert value("actions.trainings", scope) == 2
    assert value("actions.training_attendees", scope) == 30
    assert value("actions.training_hours", scope) == 9.0
    assert value("actions.course_ordered", scope) == 9
    assert value("actions.course_completed", scope) == 8


def test_breakdowns(world):
    scope = world["scope"]
    contacts = registry.get("actions.outreach_contacts")
    assert contacts.breakdown(scope, "organisation") == {
        "Association fictive": 20,
        "Mission locale fictive": 12,
    }
    months = contacts.breakdown(scope, "month")  # every month of the year, zeros included
    assert len(months) == 12 and months["2025-03"] == 32 and sum(months.values()) == 32
    assert contacts.breakdown(scope, "quarter") == {"2025-T1": 32, "2025-T2": 0, "2025-T3": 0, "2025-T4": 0}
    assert contacts.breakdown(scope, "kind") == {"Maraude de rue": 20, "Maraude numérique": 12}
    assert registry.get("actions.outreach_rounds").breakdown(scope, "organisation") == {
        "Association fictive": 1,
        "Mission locale fictive": 1,
    }
    assert registry.get("actions.course_ordered").breakdown(scope, "origin") == {
        "Alternative aux poursuites": 6,
        "Composition pénale": 2,
        "Peine prononcée": 1,
    }
    hours = registry.get("actions.training_hours").breakdown(scope, "month")
    assert hours["2025-06"] == 9.0 and sum(hours.values()) == 9.0
    with pytest.raises(ValueError):
        contacts.breakdown(scope, "age_band")


def test_a_partners_own_scope(world):
    own = Scope(
        departement=world["scope"].departement, start=YEAR.start, end=YEAR.end, organisation=world["ml"]
    )
    assert value("actions.outreach_contacts", own) == 12
    assert value("actions.prevention_college_coverage", own) == 0.0


def test_no_establishment_list_means_no_coverage(departement):
    scope = Scope(departement=departement, start=YEAR.start, end=YEAR.end)
    assert value("actions.prevention_college_coverage", scope) is None
    assert value("actions.prevention_lycee_coverage", scope) is None
    EstablishmentFactory(departement=departement, kind=EstablishmentKind.LYCEE)
    assert value("actions.prevention_lycee_coverage", scope) == 0.0
    assert value("actions.outreach_rounds", scope) == 0


def test_every_measure_is_declared_with_french_words():
    measures = registry.all_measures("actions.")
    assert len(measures) >= 14
    for m in measures:
        assert m.label and m.definition.endswith(".")
