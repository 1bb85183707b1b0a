"""Scoped, audited reads of attestations: through the pathway's scope (parcours.pathways.selectors)."""

from __future__ import annotations

from parcours.core.access import Actor
from parcours.pathways.selectors import pathways_visible_to
from parcours.people.selectors import read_person_data

from .models import Attestation, AttestationState


def attestations_visible_to(actor: Actor | None):
    if actor is None or not (actor.is_secretariat or actor.is_association):
        return Attestation.objects.none()
    return Attestation.objects.filter(pathway__in=pathways_visible_to(actor).values("pk"))


def get_attestation_or_404(actor: Actor, public_id, *, detail: str, action: str = "view") -> Attestation:
    return read_person_data(
        actor,
        attestations_visible_to(actor).select_related(
            "pathway__person__departement", "pathway__association", "document"
        ),
        public_id,
        person_of=lambda attestation: attestation.pathway.person,
        detail=detail,
        action=action,
    )


def attestations_to_issue(departement):
    """Requested, waiting for the secretariat: the oldest first."""
    return Attestation.objects.filter(departement=departement, state=AttestationState.REQUESTED).order_by(
        "created_at", "pk"
    )


def attestations_decided(organisation, since):
    """Issued or refused since `since`, for the association that asked: the most recent first."""
    return Attestation.objects.filter(
        pathway__association=organisation,
        state__in=[AttestationState.ISSUED, AttestationState.REFUSED],
        decided_on__gte=since,
    ).order_by("-decided_on", "-pk")
