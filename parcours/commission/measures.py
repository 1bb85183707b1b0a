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
    return scope.within(Meeting.objects.filter(state__in=HELD_STATES))


meetings_held = counted(_meetings, date="held_on", axes={"kind": choices_axis("kind", MeetingKind.choices)})


def _departement_only(batch):
    """batch and across for a figure of the commission: None for one organisation (per label too), the
    commission belongs to the département (a multi-département scope has no organisation)."""

    def only(scope: Scope, bys) -> dict:
        if scope.organisation is not None:
            return {None: Evaluation(None), **{by: Evaluation(None) for by in bys}}
        return batch(scope, bys)

    only.across = getattr(batch, "across", None)  # type: ignore[attr-defined]
    if getattr(batch, "periods", None) is not None:

        def periods(scopes, bys) -> list[dict]:
            if scopes[0].organisation is not None:
                return [only(s, bys) for s in scopes]
            return batch.periods(scopes, bys)

        only.periods = periods  # type: ignore[attr-defined]
    return only


def _attendance_read(scope: Scope) -> dict:
    """{(département, meeting kind): (convocations, present)} for the meetings held in the period: one
    query, for one département or several."""
    qs = scope.within(
        Convocation.objects.filter(
            meeting__state__in=HELD_STATES, meeting__held_on__range=(scope.start, scope.end)
        ),
        "meeting__departement",
    )
    return kit.grouped(qs, scope, "meeting__kind", n=Count("pk"), present=Count("pk", filter=Q(present=True)))


def _attendance_of(departement, counts: dict, bys) -> dict:
    """Members present at the meetings held in the period, in percent of the members convened; population:
    the convocations (one per member and meeting)."""

    def rate(kinds):
        n = sum(counts.get((departement, k), (0, 0))[0] for k in kinds)
        present = sum(counts.get((departement, k), (0, 0))[1] for k in kinds)
        return (round(100 * present / n, 1) if n else None), n

    value, n = rate(MeetingKind.values)
    out = {None: Evaluation(value, n)}
    if "kind" in bys:
        values, populations = {}, {}
        for kind, label in MeetingKind.choices:
            values[label], populations[label] = rate([kind])
        out["kind"] = Evaluation(values, populations)
    return out


attendance = _departement_only(kit.per_departement(_attendance_read, _attendance_of))
meetings = _departement_only(meetings_held[1])


def _decisions(scope: Scope):
    qs = scope.within(PrefectDecision.objects.filter(state=PrefectDecision.State.SIGNED))
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
        kit.compute_of(meetings),
        meetings_held[2],
        source=SOURCE_MEETINGS,
        batch=meetings,
        across=meetings.across,
        about_people=False,
    ),
    Measure(
        "commission.attendance",
        "Taux de présence des membres",
        "Membres présents aux séances tenues dans la période, en pourcentage des membres convoqués (une "
        "convocation par membre et par séance, et la présence enregistrée pour chacune).",
        "percent",
        kit.compute_of(attendance),
        ("kind",),
        source=SOURCE_MEETINGS,
        batch=attendance,
        across=attendance.across,
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
