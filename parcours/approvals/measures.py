"""Measures of the approval of associations (parcours.stats.registry): associations with a valid agrément
(their caseload is a pathways measure: pathways.caseload).

A stock read on the scope's last day. For one organisation: 1 or 0 (whether it holds a valid agrément).
"""

from __future__ import annotations

from parcours.stats.registry import Measure, Scope, register

from .models import Agrement

SOURCE = "Registre des agréments des associations, dans Parcours"


def approved(scope: Scope):
    qs = Agrement.objects.valid_on(scope.end).filter(organisation__departement=scope.departement)
    if scope.organisation is not None:
        qs = qs.filter(organisation=scope.organisation)
    return qs.values("organisation").distinct()


def _valid_agrements(scope: Scope, by: str | None = None):
    return approved(scope).count()


register(
    Measure(
        "approvals.valid_agrements",
        "Associations agréées",
        "Nombre d'associations du département titulaires d'un agrément en cours de validité "
        "(CASF R. 121-12-1 et suivants) au dernier jour de la période, non retiré ce jour-là.",
        "count",
        _valid_agrements,
        source=SOURCE,
        about_people=False,  # agréments are published acts (arrêtés)
    ),
)
