"""Measures of the approval of associations (parcours.stats.registry): associations with a valid agrément
(their caseload is a pathways measure: pathways.caseload).

A stock read on the scope's last day. An agrément valid in several départements (R. 121-12-3 CASF) counts the
association in each of them: at its seat, and in each other département its application listed. For one
organisation: 1 or 0 (whether it holds a valid agrément in its département, at its seat or as the
establishment named there). Both reads go through approvals.selectors, the single answer to « is it
approved here? ».
"""

from __future__ import annotations

from django.db.models import Count

from parcours.core.models import Organisation, OrganisationKind
from parcours.stats import kit
from parcours.stats.registry import Evaluation, Measure, Scope, register

from .models import Agrement
from .selectors import acting_associations, listed_in_force

SOURCE = "Registre des agréments des associations, dans Parcours"


def approved_records(scope: Scope):
    """The agréments valid on the scope's last day at a seat in its département(s) (for one organisation:
    its own)."""
    qs = scope.within(Agrement.objects.valid_on(scope.end), "organisation__departement")
    if scope.organisation is not None:
        qs = qs.filter(organisation=scope.organisation)
    return qs


def listed_records(scope: Scope):
    """The other départements of the scope where an agrément granted at another seat is valid on its last day
    (for one organisation: those naming it as the establishment)."""
    qs = scope.within(listed_in_force(scope.end), "departement")
    if scope.organisation is not None:
        qs = qs.filter(establishment=scope.organisation)
    return qs


def approved(scope: Scope):
    """The organisations that may carry out PSPs in the scope's département(s) on its last day (ids)."""
    departements = scope.departements or [scope.departement]
    qs = acting_associations(departements, scope.end)
    if scope.organisation is not None:
        qs = qs.filter(pk=scope.organisation.pk)
    return Organisation.objects.filter(pk__in=qs.values("pk"), kind=OrganisationKind.ASSOCIATION).values("pk")


def _valid_agrements_read(scope: Scope) -> tuple[dict, dict, bool]:
    seat = kit.grouped(approved_records(scope), scope, n=Count("organisation", distinct=True))
    listed = kit.grouped(listed_records(scope), scope, n=Count("agrement__organisation", distinct=True))
    return seat, listed, scope.organisation is not None


def _valid_agrements_of(departement, read, bys) -> dict:
    seat, listed, one_organisation = read
    n = seat.get((departement,), 0) + listed.get((departement,), 0)
    return {None: Evaluation(min(n, 1) if one_organisation else n)}


_valid_agrements = kit.per_departement(_valid_agrements_read, _valid_agrements_of)


register(
    Measure(
        "approvals.valid_agrements",
        "Associations agréées",
        "Nombre d'associations titulaires d'un agrément en cours de validité dans le département "
        "(CASF R. 121-12-1 et suivants) au dernier jour de la période, non retiré ce jour-là : celles "
        "dont le siège est dans le département et celles dont l'agrément, délivré dans le département de "
        "leur siège, vise aussi ce département (art. R. 121-12-3).",
        "count",
        kit.compute_of(_valid_agrements),
        source=SOURCE,
        batch=_valid_agrements,
        across=_valid_agrements.across,
        about_people=False,  # agréments are published acts (arrêtés)
    ),
)
