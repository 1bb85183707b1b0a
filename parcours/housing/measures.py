"""Measures of the housing route (parcours.stats.registry): the delay to housing.

Dated by the day the person entered the housing; breakdowns by month, quarter, year, sex, age band (at that
day), nationality group and the accompanying association, as every measure about people (parcours.stats.kit).
Statistical secrecy is applied by the publishing machinery: the median rests on the people it is computed
over (its population)."""

from __future__ import annotations

from parcours.stats import kit
from parcours.stats.kit import age_axis, distributed, nationality_axis, organisation_axis, sex_axis
from parcours.stats.registry import Scope, register

from .models import HousingRequest

SOURCE_HOUSING = "Demandes de logement social des personnes accompagnées, dans Parcours"


def _housed(scope: Scope):
    qs = scope.within(HousingRequest.objects.filter(housed_on__isnull=False))
    if scope.organisation is not None:
        qs = qs.filter(organisation=scope.organisation)
    return qs


AXES = {
    "sex": sex_axis("person__sex"),
    "age_band": age_axis("person__birth_year", "housed_on"),
    "nationality_group": nationality_axis("person__nationality_group"),
    "organisation": organisation_axis("organisation"),
}


def _delay(statistic: str):
    return distributed(
        _housed,
        date="housed_on",
        fields=("filed_on", "housed_on"),
        value=kit.days_between(0, 1),
        statistic=statistic,
        axes=AXES,
        people="person_id",
    )


register(
    kit.measure(
        "housing.delay_to_housing",
        "Délai médian d'accès au logement",
        "Médiane, en jours, entre le dépôt de la demande de logement social et l'entrée dans le logement, "
        "sur les personnes accompagnées entrées dans un logement pendant la période (datée du jour de "
        "l'entrée).",
        "days",
        _delay("median"),
        source=SOURCE_HOUSING,
    ),
)
