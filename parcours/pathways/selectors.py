"""Scoped reads of pathways: the single place that encodes who sees which PSP."""

from __future__ import annotations

from parcours.core.access import Actor
from parcours.core.roles import Role
from parcours.people.selectors import read_person_data

from .models import Pathway, PathwayState, RequestDocument, RequestState, ResidencePermit

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
    return read_person_data(
        actor,
        pathways_visible_to(actor).select_related("person__departement", "association"),
        public_id,
        person_of=lambda pathway: pathway.person,
        detail=detail,
    )


def permits_visible_to(actor: Actor | None):
    """The immigration service sees permits of authorised pathways only, and only what it needs."""
    if actor is None or actor.role not in (Role.IMMIGRATION, Role.SECRETARIAT):
        return ResidencePermit.objects.none()
    return ResidencePermit.objects.filter(
        pathway__departement=actor.departement,
        pathway__state__in=[PathwayState.ACTIVE, PathwayState.ENDED],
    ).select_related("pathway__person")


def get_permit_or_404(actor: Actor, public_id) -> ResidencePermit:
    return read_person_data(
        actor,
        permits_visible_to(actor),
        public_id,
        person_of=lambda p: p.pathway.person,
        detail="titre de séjour",
    )


def get_request_document_or_404(actor: Actor, pathway_id, document_id) -> RequestDocument:
    """A supporting document of a pathway the actor sees: its download is journaled against the person."""
    scope = RequestDocument.objects.filter(
        request__pathway__in=pathways_visible_to(actor), request__pathway__public_id=pathway_id
    ).select_related("request__pathway__person__departement")
    return read_person_data(
        actor,
        scope,
        document_id,
        person_of=lambda doc: doc.request.pathway.person,
        action="download",
        detail="pièce justificative",
    )
