"""Measures of the approval of associations (parcours.stats.registry): associations with a valid agrément
(their caseload is a pathways measure: pathways.caseload).

A stock read on the scope's last day. For one organisation: 1 or 0 (whether it holds a valid agrément).
"""

from __future__ import annotations

from django.db.models import Count

from parcours.stats import kit
from parcours.stats.registry import Evaluation, Measure, Scope, register

from .models import Agrement

SOURCE = "Registre des agréments des associations, dans Parcours"


def approved_records(scope: Scope):
    """The agréments valid on the scope's last day in its département(s) (for one organisation: its own)."""
    qs = scope.within(Agrement.objects.valid_on(scope.end), "organisation__departement")
    if scope.organisation is not None:
        qs = qs.filter(organisation=scope.organisation)
    return qs


def approved(scope: Scope):
    return approved_records(scope).values("organisation").distinct()


def _valid_agrements_read(scope: Scope) -> dict:
    return kit.grouped(approved_records(scope), scope, n=Count("organisation", distinct=True))


_valid_agrements = kit.per_departement(
    _valid_agrements_read, lambda departement, counts, bys: {None: Evaluation(counts.get((departement,), 0))}
)


register(
    Measure(
        "approvals.valid_agrements",
        "Associations agréées",
        "Nombre d'associations du département titulaires d'un agrément en cours de validité "
        "(CASF R. 121-12-1 et suivants) au dernier jour de la période, non retiré ce jour-là.",
        "count",
        kit.compute_of(_valid_agrements),
        source=SOURCE,
        batch=_valid_agrements,
        across=_valid_agrements.across,
        about_people=False,  # agréments are published acts (arrêtés)
    ),
)
