"""Measures of the approval of associations (parcours.stats.registry): associations with a valid agrément
(their caseload is a pathways measure: pathways.caseload).

A stock read on the scope's last day. For one organisation: 1 or 0 (whether it holds a valid agrément).
"""

from __future__ import annotations

from django.db.models import Count

from parcours.stats.registry import DEPARTEMENT_COLUMN, Evaluation, Measure, Scope, register

from .models import Agrement

SOURCE = "Registre des agréments des associations, dans Parcours"


def approved(scope: Scope):
    qs = scope.within(Agrement.objects.valid_on(scope.end), "organisation__departement")
    if scope.organisation is not None:
        qs = qs.filter(organisation=scope.organisation)
    return qs.values("organisation").distinct()


def _valid_agrements(scope: Scope, bys=()) -> dict:
    return {None: Evaluation(approved(scope).count())}


def _valid_agrements_across(scope: Scope, bys=()) -> dict:
    """Each département's count in one query."""
    counts = dict(
        scope.within(Agrement.objects.valid_on(scope.end), "organisation__departement")
        .values_list(DEPARTEMENT_COLUMN)
        .annotate(n=Count("organisation", distinct=True))
        .values_list(DEPARTEMENT_COLUMN, "n")
        .order_by()
    )
    return {d.pk: {None: Evaluation(counts.get(d.pk, 0))} for d in scope.departements}


register(
    Measure(
        "approvals.valid_agrements",
        "Associations agréées",
        "Nombre d'associations du département titulaires d'un agrément en cours de validité "
        "(CASF R. 121-12-1 et suivants) au dernier jour de la période, non retiré ce jour-là.",
        "count",
        lambda scope, by=None: _valid_agrements(scope)[None].value,
        source=SOURCE,
        batch=_valid_agrements,
        across=_valid_agrements_across,
        about_people=False,  # agréments are published acts (arrêtés)
    ),
)
