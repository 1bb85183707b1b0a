"""Measures of the partners' actions (parcours.stats.registry): outreach, prevention and its coverage,
cross-trainings and the clients' awareness course. Each counts records dated in the scope's period."""

from __future__ import annotations

from django.db.models import Sum

from parcours.stats import kit
from parcours.stats.kit import choices_axis, counted, organisation_axis, summed
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

SOURCE_OUTREACH = "Maraudes de rue et numériques des partenaires, dans Parcours"
SOURCE_PREVENTION = "Actions de prévention et liste des établissements du département, dans Parcours"
SOURCE_TRAINING = "Formations croisées des professionnels, dans Parcours"
SOURCE_COURSE = "Sessions du stage de sensibilisation des clients, dans Parcours"


def _of(model):
    def records(scope: Scope):
        qs = model.objects.filter(departement=scope.departement)
        if scope.organisation is not None:
            qs = qs.filter(organisation=scope.organisation)
        return qs

    return records


PARTNER = {"organisation": organisation_axis("organisation", kinds=None)}
OUTREACH_AXES = {**PARTNER, "kind": choices_axis("kind", OutreachKind.choices)}


def _outreach(*fields: str):
    if not fields:
        return counted(_of(OutreachRound), date="held_on", axes=OUTREACH_AXES)
    return summed(_of(OutreachRound), date="held_on", fields=fields, axes=OUTREACH_AXES)


def _records_of(model, *fields: str):
    if not fields:
        return counted(_of(model), date="held_on", axes=PARTNER)
    return summed(_of(model), date="held_on", fields=fields, axes=PARTNER)


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
    """Participants of the course (ordered or completed), in total, by partner and time, or by origin of
    their obligation (one field per origin: the breakdown sums each field)."""
    fields = tuple(f"{prefix}_{key}" for key, _ in COURSE_ORIGINS)
    compute_summed, _, breakdowns = summed(
        _of(ClientCourseSession), date="held_on", fields=fields, axes=PARTNER
    )

    def compute(scope: Scope, by: str | None = None):
        if by == "origin":
            qs = _of(ClientCourseSession)(scope).filter(held_on__range=(scope.start, scope.end))
            sums = qs.aggregate(**{f: Sum(f) for f in fields})
            return {label: sums[f"{prefix}_{key}"] or 0 for key, label in COURSE_ORIGINS}
        return compute_summed(scope, by)

    return compute, None, (*breakdowns, "origin")


register(
    kit.measure(
        "actions.outreach_rounds",
        "Maraudes",
        "Nombre de maraudes (de rue et numériques) datées dans la période.",
        "count",
        _outreach(),
        about_people=False,
        source=SOURCE_OUTREACH,
    ),
    kit.measure(
        "actions.outreach_contacts",
        "Contacts établis en maraude",
        "Somme des contacts établis lors des maraudes datées dans la période.",
        "count",
        _outreach("contacts"),
        source=SOURCE_OUTREACH,
    ),
    kit.measure(
        "actions.outreach_people_met",
        "Personnes rencontrées en maraude",
        "Somme des personnes rencontrées lors des maraudes datées dans la période (une personne vue à deux "
        "maraudes compte deux fois).",
        "count",
        _outreach("people_met"),
        source=SOURCE_OUTREACH,
    ),
    kit.measure(
        "actions.outreach_minors_met",
        "Mineur·es rencontré·es en maraude (estimation)",
        "Somme des mineur·es estimé·es parmi les personnes rencontrées en maraude dans la période.",
        "count",
        _outreach("minors_met"),
        source=SOURCE_OUTREACH,
    ),
    kit.measure(
        "actions.outreach_reports",
        "Signalements à PHAROS ou aux plateformes",
        "Somme des signalements à PHAROS et aux plateformes faits lors des maraudes datées dans la période.",
        "count",
        _outreach("reports_pharos", "reports_platforms"),
        source=SOURCE_OUTREACH,
    ),
    kit.measure(
        "actions.prevention_actions",
        "Actions de prévention",
        "Nombre d'actions de prévention datées dans la période.",
        "count",
        _records_of(PreventionAction),
        about_people=False,
        source=SOURCE_PREVENTION,
    ),
    kit.measure(
        "actions.prevention_people_reached",
        "Personnes touchées par la prévention",
        "Somme des personnes touchées (élèves, personnels, parents) par les actions de prévention "
        "de la période.",
        "count",
        _records_of(PreventionAction, "people_reached"),
        source=SOURCE_PREVENTION,
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
        source=SOURCE_PREVENTION,
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
        source=SOURCE_PREVENTION,
    ),
    kit.measure(
        "actions.trainings",
        "Formations croisées",
        "Nombre de formations croisées de professionnels datées dans la période.",
        "count",
        _records_of(Training),
        about_people=False,
        source=SOURCE_TRAINING,
    ),
    kit.measure(
        "actions.training_attendees",
        "Professionnels formés",
        "Somme des participants aux formations croisées de la période.",
        "count",
        _records_of(Training, "total_attendees"),
        source=SOURCE_TRAINING,
    ),
    kit.measure(
        "actions.training_hours",
        "Heures de formation croisée",
        "Somme des durées (en heures) des formations croisées de la période.",
        "count",
        _records_of(Training, "hours"),
        about_people=False,
        source=SOURCE_TRAINING,
    ),
    kit.measure(
        "actions.course_ordered",
        "Participants convoqués au stage de sensibilisation",
        "Somme des participants convoqués aux sessions du stage de sensibilisation à la lutte contre l'achat "
        "d'actes sexuels datées dans la période.",
        "count",
        _course("ordered"),
        source=SOURCE_COURSE,
    ),
    kit.measure(
        "actions.course_completed",
        "Participants ayant suivi le stage de sensibilisation",
        "Somme des participants ayant suivi en entier les sessions du stage de sensibilisation "
        "de la période.",
        "count",
        _course("completed"),
        source=SOURCE_COURSE,
    ),
)
