"""Measures of the commission (parcours.stats.registry): meetings held, decisions in the register."""

from __future__ import annotations

from django.db.models import Count

from parcours.stats.registry import Measure, Scope, register

from .models import Meeting, MeetingKind, MeetingState, PrefectDecision

KIND_LABELS = dict(MeetingKind.choices)
HELD_STATES = (MeetingState.HELD, MeetingState.CLOSED)


def _meetings_held(scope: Scope, by: str | None = None):
    """The commission's meetings are the département's, not an organisation's: None for one organisation."""
    if scope.organisation is not None:
        return {label: None for label in KIND_LABELS.values()} if by == "kind" else None
    qs = Meeting.objects.filter(
        departement=scope.departement, state__in=HELD_STATES, held_on__range=(scope.start, scope.end)
    )
    if by == "kind":
        counts = dict(qs.values_list("kind").annotate(n=Count("pk")).order_by())
        return {label: counts.get(kind, 0) for kind, label in KIND_LABELS.items()}
    return qs.count()


def _decisions_signed(scope: Scope, by: str | None = None):
    qs = PrefectDecision.objects.filter(
        departement=scope.departement,
        state=PrefectDecision.State.SIGNED,
        signed_on__range=(scope.start, scope.end),
    )
    if scope.organisation is not None:
        qs = qs.filter(request__pathway__association=scope.organisation)
    if by == "outcome":
        counts = dict(qs.values_list("outcome").annotate(n=Count("pk")).order_by())
        return {label: counts.get(value, 0) for value, label in PrefectDecision.Outcome.choices}
    return qs.count()


register(
    Measure(
        code="commission.meetings_held",
        label="Séances de la commission tenues",
        definition=(
            "Nombre de séances de la commission départementale tenues (présences enregistrées), plénières "
            "et formations restreintes, datées du jour de la séance ; les séances annulées ou seulement "
            "programmées ne comptent pas. Le décret du 30 décembre 2025 en demande au moins deux par an."
        ),
        unit="count",
        compute=_meetings_held,
        breakdowns=("kind",),
    ),
    Measure(
        code="commission.decisions_signed",
        label="Décisions du préfet inscrites au registre",
        definition=(
            "Nombre de décisions du préfet sur les demandes de PSP (autorisations et refus) signées et "
            "numérotées au registre annuel du département, datées du jour de la signature ; les décisions "
            "prises hors Parcours et enregistrées au registre comptent à leur date de signature."
        ),
        unit="count",
        compute=_decisions_signed,
        breakdowns=("outcome",),
    ),
)
