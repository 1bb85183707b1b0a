"""Measures of the partners' actions (parcours.stats.registry): outreach, prevention and its coverage,
cross-trainings and the clients' awareness course. Each counts records dated in the scope's period."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from parcours.stats.registry import Measure, Scope, register

from .coverage import coverage_of
from .models import (
    COURSE_ORIGINS,
    ClientCourseSession,
    EstablishmentKind,
    OutreachKind,
    OutreachRound,
    PreventionAction,
    Training,
)


def _records(model, scope: Scope):
    qs = model.objects.filter(departement=scope.departement, held_on__range=(scope.start, scope.end))
    if scope.organisation is not None:
        qs = qs.filter(organisation=scope.organisation)
    return qs


def _number(value) -> int | float:
    """Sums of hours are decimals: a float for the registry's callers, an int otherwise."""
    if value is None:
        return 0
    return value if isinstance(value, int) else float(value)


def _label(by: str, key) -> str:
    if by == "month":
        return f"{key:%Y-%m}"
    if by == "kind":
        return str(OutreachKind(key).label)
    return str(key)


def _grouped(qs, by: str | None, value: str | None):
    """A total (by None) or one number per organisation, month or kind of round; `value` is the field
    summed, or None to count records."""
    if by is None:
        return qs.count() if value is None else _number(qs.aggregate(n=Sum(value))["n"])
    key = {"organisation": "organisation__name", "month": "month", "kind": "kind"}.get(by)
    if key is None:
        raise ValueError(by)
    if by == "month":
        qs = qs.annotate(month=TruncMonth("held_on"))
    rows = qs.values(key).annotate(n=Count("pk") if value is None else Sum(value)).order_by(key)
    return {_label(by, row[key]): _number(row["n"]) for row in rows}


def _outreach(value: str | None):
    def compute(scope: Scope, by: str | None = None):
        return _grouped(_records(OutreachRound, scope), by, value)

    return compute


def _sum_of(model, *fields):
    def compute(scope: Scope, by: str | None = None):
        qs = _records(model, scope)
        if by is None:
            sums = qs.aggregate(**{f: Sum(f) for f in fields})
            return sum(_number(v) for v in sums.values())
        parts = [_grouped(qs, by, f) for f in fields]
        merged: Counter = Counter()
        for part in parts:
            merged.update(part)
        return dict(sorted(merged.items()))

    return compute


def _records_of(model, value: str | None = None):
    def compute(scope: Scope, by: str | None = None):
        return _grouped(_records(model, scope), by, value)

    return compute


def _college_coverage(scope: Scope, by: str | None = None):
    cov = coverage_of(
        scope.departement, EstablishmentKind.COLLEGE, scope.start, scope.end, scope.organisation
    )
    return cov.percent


def _college_population(scope: Scope) -> int:
    return coverage_of(scope.departement, EstablishmentKind.COLLEGE, scope.start, scope.end).total


def _lycee_coverage(scope: Scope, by: str | None = None):
    return coverage_of(
        scope.departement, EstablishmentKind.LYCEE, scope.start, scope.end, scope.organisation
    ).percent


def _lycee_population(scope: Scope) -> int:
    return coverage_of(scope.departement, EstablishmentKind.LYCEE, scope.start, scope.end).total


def _course(prefix: str):
    def compute(scope: Scope, by: str | None = None):
        qs = _records(ClientCourseSession, scope)
        fields = [f"{prefix}_{key}" for key, _ in COURSE_ORIGINS]
        if by == "origin":
            sums = qs.aggregate(**{f: Sum(f) for f in fields})
            return {label: sums[f"{prefix}_{key}"] or 0 for key, label in COURSE_ORIGINS}
        return _sum_of(ClientCourseSession, *fields)(scope, by)

    return compute


BY_ORG_MONTH = ("organisation", "month")
BY_ORG_MONTH_KIND = ("organisation", "month", "kind")

register(
    Measure(
        "actions.outreach_rounds",
        "Maraudes",
        "Nombre de maraudes (de rue et numériques) datées dans la période.",
        "count",
        _outreach(None),
        BY_ORG_MONTH_KIND,
        about_people=False,
    ),
    Measure(
        "actions.outreach_contacts",
        "Contacts établis en maraude",
        "Somme des contacts établis lors des maraudes datées dans la période.",
        "count",
        _outreach("contacts"),
        BY_ORG_MONTH_KIND,
    ),
    Measure(
        "actions.outreach_people_met",
        "Personnes rencontrées en maraude",
        "Somme des personnes rencontrées lors des maraudes datées dans la période (une personne vue à deux "
        "maraudes compte deux fois).",
        "count",
        _outreach("people_met"),
        BY_ORG_MONTH_KIND,
    ),
    Measure(
        "actions.outreach_minors_met",
        "Mineur·es rencontré·es en maraude (estimation)",
        "Somme des mineur·es estimé·es parmi les personnes rencontrées en maraude dans la période.",
        "count",
        _outreach("minors_met"),
        BY_ORG_MONTH_KIND,
    ),
    Measure(
        "actions.outreach_reports",
        "Signalements à PHAROS ou aux plateformes",
        "Somme des signalements à PHAROS et aux plateformes faits lors des maraudes datées dans la période.",
        "count",
        _sum_of(OutreachRound, "reports_pharos", "reports_platforms"),
        BY_ORG_MONTH,
    ),
    Measure(
        "actions.prevention_actions",
        "Actions de prévention",
        "Nombre d'actions de prévention datées dans la période.",
        "count",
        _records_of(PreventionAction),
        BY_ORG_MONTH,
        about_people=False,
    ),
    Measure(
        "actions.prevention_people_reached",
        "Personnes touchées par la prévention",
        "Somme des personnes touchées (élèves, personnels, parents) par les actions de prévention "
        "de la période.",
        "count",
        _records_of(PreventionAction, "people_reached"),
        BY_ORG_MONTH,
    ),
    Measure(
        "actions.prevention_college_coverage",
        "Couverture des collèges",
        "Part des collèges de la liste du département touchés par au moins une action de prévention dans la "
        "période ; sans liste de collèges, pas de valeur.",
        "percent",
        _college_coverage,
        population=_college_population,
        about_people=False,
    ),
    Measure(
        "actions.prevention_lycee_coverage",
        "Couverture des lycées",
        "Part des lycées (généraux et technologiques) de la liste du département touchés par au moins "
        "une action de prévention dans la période ; sans liste de lycées, pas de valeur.",
        "percent",
        _lycee_coverage,
        population=_lycee_population,
        about_people=False,
    ),
    Measure(
        "actions.trainings",
        "Formations croisées",
        "Nombre de formations croisées de professionnels datées dans la période.",
        "count",
        _records_of(Training),
        BY_ORG_MONTH,
        about_people=False,
    ),
    Measure(
        "actions.training_attendees",
        "Professionnels formés",
        "Somme des participants aux formations croisées de la période.",
        "count",
        _records_of(Training, "total_attendees"),
        BY_ORG_MONTH,
    ),
    Measure(
        "actions.training_hours",
        "Heures de formation croisée",
        "Somme des durées (en heures) des formations croisées de la période.",
        "count",
        _records_of(Training, "hours"),
        BY_ORG_MONTH,
        about_people=False,
    ),
    Measure(
        "actions.course_ordered",
        "Participants convoqués au stage de sensibilisation",
        "Somme des participants convoqués aux sessions du stage de sensibilisation à la lutte contre l'achat "
        "d'actes sexuels datées dans la période.",
        "count",
        _course("ordered"),
        ("organisation", "month", "origin"),
    ),
    Measure(
        "actions.course_completed",
        "Participants ayant suivi le stage de sensibilisation",
        "Somme des participants ayant suivi en entier les sessions du stage de sensibilisation "
        "de la période.",
        "count",
        _course("completed"),
        ("organisation", "month", "origin"),
    ),
)
