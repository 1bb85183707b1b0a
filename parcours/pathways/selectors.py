"""Scoped reads of pathways: the single place that encodes who sees which PSP."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404

from parcours.core.access import Actor
from parcours.core.roles import Role
from parcours.people.selectors import note_access

from .models import Pathway, PathwayState, RequestState, ResidencePermit

SIGNATORY_REQUEST_STATES = (RequestState.REVIEWED, RequestState.AUTHORISED, RequestState.REFUSED)


def pathways_visible_to(actor: Actor | None):
    if actor is None:
        return Pathway.objects.none()
    base = Pathway.objects.filter(departement=actor.departement)
    if actor.role == Role.SECRETARIAT:
        return base
    if actor.is_association:
        return base.filter(association=actor.organisation)
    if actor.role == Role.SIGNATORY:
        # Decisions to sign and their dossiers.
        return base.filter(requests__state__in=SIGNATORY_REQUEST_STATES).distinct()
    return Pathway.objects.none()


def listable_pathways(actor: Actor | None):
    qs = pathways_visible_to(actor)
    if actor is not None and not (actor.is_secretariat or actor.is_association):
        qs = qs.filter(person__is_sensitive=False)
    return qs


def get_pathway_or_404(actor: Actor, public_id, *, detail: str = "dossier du parcours") -> Pathway:
    try:
        pathway = pathways_visible_to(actor).select_related("person", "association").get(public_id=public_id)
    except (Pathway.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    note_access(actor, pathway.person, detail=detail)
    return pathway


def permits_visible_to(actor: Actor | None):
    """The immigration service sees permits of authorised pathways only, and only what it needs."""
    if actor is None or actor.role not in (Role.IMMIGRATION, Role.SECRETARIAT):
        return ResidencePermit.objects.none()
    return ResidencePermit.objects.filter(
        pathway__departement=actor.departement,
        pathway__state__in=[PathwayState.ACTIVE, PathwayState.ENDED],
    ).select_related("pathway__person")


def get_permit_or_404(actor: Actor, public_id) -> ResidencePermit:
    try:
        permit = permits_visible_to(actor).get(public_id=public_id)
    except (ResidencePermit.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    note_access(actor, permit.pathway.person, detail="titre de séjour")
    return permit
