"""Measures of the accompaniment itself (parcours.stats.registry): the cost of interpreting.

Interpreting costs are recorded per session by the association that paid them; summed per association and per
year, they feed the associations' funding reports. Statistical secrecy rests on the number of people behind
each sum (its population), applied by the publishing machinery."""

from __future__ import annotations

from parcours.stats import kit
from parcours.stats.kit import distributed, organisation_axis
from parcours.stats.registry import Scope, register

from .models import InterpretingOccasion, InterpretingSession

SOURCE_INTERPRETING = "Séances d'interprétariat enregistrées par les associations, dans Parcours"


def _sessions(scope: Scope):
    qs = scope.within(InterpretingSession.objects.all(), "person__departement")
    if scope.organisation is not None:
        qs = qs.filter(organisation=scope.organisation)
    return qs


def _cost(row, scope) -> float | None:
    (cost,) = row
    return float(cost) if cost is not None else None


interpreting_costs = distributed(
    _sessions,
    date="day",
    fields=("cost",),
    value=_cost,
    statistic="sum",
    axes={
        "organisation": organisation_axis("organisation"),
        "occasion": kit.choices_axis("occasion", InterpretingOccasion.choices),
    },
    people="person_id",
)

register(
    kit.measure(
        "people.interpreting_costs",
        "Coût de l'interprétariat",
        "Somme, en euros, des coûts des séances d'interprétariat enregistrées par les associations "
        "(recueil du consentement, signature des engagements, notification, entretiens), datées du jour "
        "de la séance ; par association et par année pour les comptes rendus financiers.",
        "euros",
        interpreting_costs,
        source=SOURCE_INTERPRETING,
    ),
)
