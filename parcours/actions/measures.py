"""Measures of the partners' actions (parcours.stats.registry): outreach, prevention and its coverage,
cross-trainings and the clients' awareness course. Each counts records dated in the scope's period."""

from __future__ import annotations

from django.db.models import Count

from parcours.stats import kit
from parcours.stats.kit import choices_axis, counted, grouped, organisation_axis, per_departement, summed
from parcours.stats.registry import Evaluation, Measure, Scope, register

from .coverage import Coverage
from .models import (
    COURSE_ORIGINS,
    ClientCourseSession,
    Establishment,
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
        qs = scope.within(model.objects.all())
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


def _coverage(kind: str):
    """Share of the département's listed establishments of `kind` that a prevention action reached in the
    period (coverage.coverage_of, for one département or each of several in the same two queries);
    population: the establishments listed (None: no list, no value)."""

    def read(scope: Scope) -> tuple[dict, dict]:
        listed = scope.within(Establishment.objects.filter(kind=kind, active=True))
        actions = {"prevention_actions__held_on__range": (scope.start, scope.end)}
        if scope.organisation is not None:
            actions["prevention_actions__organisation"] = scope.organisation
        reached = listed.filter(**actions)
        return grouped(listed, scope, n=Count("pk")), grouped(reached, scope, n=Count("pk", distinct=True))

    def of(departement, counts: tuple[dict, dict], bys) -> dict:
        totals, reached = counts
        total = totals.get((departement,), 0)
        percent = Coverage(kind, "", total, reached.get((departement,), 0), []).percent
        return {None: Evaluation(percent, total if percent is not None else None)}

    return per_departement(read, of)


def _course(prefix: str):
    """Participants of the course (ordered or completed), in total, by partner and time, or by origin of
    their obligation (one field per origin: that breakdown sums each field)."""
    origins = [(f"{prefix}_{key}", label) for key, label in COURSE_ORIGINS]
    return summed(
        _of(ClientCourseSession),
        date="held_on",
        fields=tuple(f for f, _ in origins),
        axes=PARTNER,
        by_field=("origin", origins),
    )


def _coverage_measure(code: str, label: str, definition: str, kind: str) -> Measure:
    batch = _coverage(kind)
    return Measure(
        code,
        label,
        definition,
        "percent",
        kit.compute_of(batch),
        population=lambda scope, by=None: batch(scope, [])[None].population,
        batch=batch,
        across=batch.across,
        about_people=False,
        source=SOURCE_PREVENTION,
    )


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
    _coverage_measure(
        "actions.prevention_college_coverage",
        "Couverture des collèges",
        "Part des collèges de la liste du département touchés par au moins une action de prévention dans la "
        "période ; sans liste de collèges, pas de valeur.",
        EstablishmentKind.COLLEGE,
    ),
    _coverage_measure(
        "actions.prevention_lycee_coverage",
        "Couverture des lycées",
        "Part des lycées (généraux et technologiques) de la liste du département touchés par au moins "
        "une action de prévention dans la période ; sans liste de lycées, pas de valeur.",
        EstablishmentKind.LYCEE,
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
