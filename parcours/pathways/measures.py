"""Measures of the PSP (parcours.stats.registry): requests, prefect's decisions, pathways under way.

Each counts the département's records over the scope's days; with `scope.organisation`, the pathways of
that association only (an organisation that accompanies no pathway gets 0: it is an association's own
activity, and « none » is the true answer for it).
"""

from __future__ import annotations

from django.db.models import Count, Q

from parcours.stats.registry import Measure, Scope, register

from .models import Decision, Pathway, PathwayState, Request, RequestKind

KIND_LABELS = dict(RequestKind.choices)


def _requests(scope: Scope):
    qs = Request.objects.filter(departement=scope.departement)
    if scope.organisation is not None:
        qs = qs.filter(pathway__association=scope.organisation)
    return qs


def _by_kind(qs) -> dict[str, int]:
    counts = dict(qs.values_list("kind").annotate(n=Count("pk")).order_by())
    return {label: counts.get(kind, 0) for kind, label in KIND_LABELS.items()}


def _submitted(scope: Scope, by: str | None = None):
    qs = _requests(scope).filter(submitted_on__range=(scope.start, scope.end))
    return _by_kind(qs) if by == "kind" else qs.count()


def _decided(decision: str, kind: str | None = None):
    def compute(scope: Scope, by: str | None = None):
        qs = _requests(scope).filter(decision=decision, decision_date__range=(scope.start, scope.end))
        if kind is not None:
            qs = qs.filter(kind=kind)
        return _by_kind(qs) if by == "kind" else qs.count()

    return compute


def _active_at_end(scope: Scope, by: str | None = None):
    """Pathways with a period covering the scope's last day and not ended on or before it."""
    qs = Pathway.objects.filter(
        departement=scope.departement,
        periods__start__lte=scope.end,
        periods__end__gte=scope.end,
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=scope.end))
    qs = qs.exclude(state=PathwayState.REFUSED)
    if scope.organisation is not None:
        qs = qs.filter(association=scope.organisation)
    return qs.distinct().count()


register(
    Measure(
        code="pathways.requests_submitted",
        label="Demandes de PSP transmises",
        definition=(
            "Nombre de demandes (engagement et renouvellement) transmises par les associations au "
            "secrétariat, datées du jour de leur transmission ; une demande renvoyée pour pièces "
            "manquantes puis transmise à nouveau compte une fois, à sa dernière transmission."
        ),
        unit="count",
        compute=_submitted,
        breakdowns=("kind",),
    ),
    Measure(
        code="pathways.authorisations",
        label="Entrées en parcours autorisées",
        definition=(
            "Nombre de demandes d'engagement dans un parcours de sortie de la prostitution autorisées par "
            "le préfet, datées du jour de la décision (renouvellements exclus)."
        ),
        unit="count",
        compute=_decided(Decision.AUTHORISED, RequestKind.INITIAL),
    ),
    Measure(
        code="pathways.refusals",
        label="Demandes de PSP refusées",
        definition=(
            "Nombre de demandes (engagement et renouvellement) refusées par le préfet, datées du jour de "
            "la décision."
        ),
        unit="count",
        compute=_decided(Decision.REFUSED),
        breakdowns=("kind",),
    ),
    Measure(
        code="pathways.renewals",
        label="Renouvellements autorisés",
        definition=(
            "Nombre de demandes de renouvellement d'un parcours autorisées par le préfet, datées du jour "
            "de la décision."
        ),
        unit="count",
        compute=_decided(Decision.AUTHORISED, RequestKind.RENEWAL),
    ),
    Measure(
        code="pathways.active_at_end",
        label="Parcours en cours en fin de période",
        definition=(
            "Nombre de parcours dont une période d'autorisation couvre le dernier jour de la période "
            "observée et qui n'étaient pas terminés ce jour-là (l'indicateur budgétaire national : PSP en "
            "cours au 31 décembre)."
        ),
        unit="count",
        compute=_active_at_end,
    ),
)
