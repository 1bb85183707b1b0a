"""Measures of the commission (parcours.stats.registry): meetings held and their attendance, decisions in the
register.

The commission's meetings are the département's, not an organisation's: for one organisation they are None
(« donnée non disponible »), never 0.
"""

from __future__ import annotations

from django.db.models import Count, Q

from parcours.stats import kit
from parcours.stats.kit import choices_axis, counted, organisation_axis
from parcours.stats.registry import Evaluation, Measure, Scope, register

from .models import Convocation, Meeting, MeetingKind, MeetingState, PrefectDecision

HELD_STATES = (MeetingState.HELD, MeetingState.CLOSED)
SOURCE_MEETINGS = "Séances de la commission, convocations et présences, dans Parcours"
SOURCE_REGISTER = "Registre annuel des décisions du préfet, dans Parcours"


def _meetings(scope: Scope):
    return Meeting.objects.filter(departement=scope.departement, state__in=HELD_STATES)


meetings_held = counted(_meetings, date="held_on", axes={"kind": choices_axis("kind", MeetingKind.choices)})


def _departement_only(compute):
    """None for one organisation (per label too): the commission belongs to the département."""

    def wrapped(scope: Scope, by: str | None = None):
        if scope.organisation is not None:
            return None
        return compute(scope, by)

    return wrapped


def _attendance(scope: Scope, by: str | None = None) -> Evaluation:
    """Members present at the meetings held in the period, in percent of the members convened; population:
    the convocations (one per member and meeting)."""
    if scope.organisation is not None:
        return Evaluation(None)
    qs = Convocation.objects.filter(
        meeting__departement=scope.departement,
        meeting__state__in=HELD_STATES,
        meeting__held_on__range=(scope.start, scope.end),
    )

    def rate(rows):
        agg = rows.aggregate(n=Count("pk"), present=Count("pk", filter=Q(present=True)))
        return (round(100 * agg["present"] / agg["n"], 1) if agg["n"] else None), agg["n"]

    if by is None:
        value, n = rate(qs)
        return Evaluation(value, n)
    if by != "kind":
        raise ValueError(by)
    values, populations = {}, {}
    for kind, label in MeetingKind.choices:
        values[label], populations[label] = rate(qs.filter(meeting__kind=kind))
    return Evaluation(values, populations)


def _decisions(scope: Scope):
    qs = PrefectDecision.objects.filter(departement=scope.departement, state=PrefectDecision.State.SIGNED)
    if scope.organisation is not None:
        qs = qs.filter(pathway__association=scope.organisation)
    return qs


decisions_signed = counted(
    _decisions,
    date="signed_on",
    axes={
        "outcome": choices_axis("outcome", PrefectDecision.Outcome.choices),
        "organisation": organisation_axis("pathway__association"),
    },
)

register(
    Measure(
        "commission.meetings_held",
        "Séances de la commission tenues",
        "Nombre de séances de la commission départementale tenues (présences enregistrées), plénières, "
        "formations PSP et formations de coordination des parcours des mineur·es, datées du jour de la "
        "séance ; les séances annulées ou seulement programmées ne comptent pas. Le décret du 30 décembre "
        "2025 en demande au moins deux par an.",
        "count",
        _departement_only(meetings_held[0]),
        meetings_held[2],
        source=SOURCE_MEETINGS,
        about_people=False,
    ),
    Measure(
        "commission.attendance",
        "Taux de présence des membres",
        "Membres présents aux séances tenues dans la période, en pourcentage des membres convoqués (une "
        "convocation par membre et par séance, et la présence enregistrée pour chacune).",
        "percent",
        lambda scope, by=None: _attendance(scope, by).value,
        ("kind",),
        source=SOURCE_MEETINGS,
        evaluator=_attendance,
        about_people=False,  # the members of a public commission, sitting in their official capacity
    ),
    kit.measure(
        "commission.decisions_signed",
        "Décisions du préfet inscrites au registre",
        "Nombre de décisions du préfet (autorisations, refus, fins de parcours) signées et numérotées au "
        "registre annuel du département, datées du jour de la signature ; les décisions prises hors Parcours "
        "et enregistrées au registre comptent à leur date de signature.",
        "count",
        decisions_signed,
        source=SOURCE_REGISTER,
        # Its count less the decisions on requests (pathways.decisions) would give the ends decided by the
        # prefect back: the national and partner figures are those of pathways.decisions and pathways.ended.
        secretariat_only=True,
    ),
)
