"""Who may ask for, issue and read attestations of engagement (the matrix, parcours.core.policies)."""

from __future__ import annotations

from parcours.core.access import Actor
from parcours.core.policies import can, register
from parcours.core.roles import ASSOCIATION_ROLES, Role
from parcours.pathways.models import Pathway

register(
    {
        "attestations.view": {Role.SECRETARIAT, *ASSOCIATION_ROLES},
        # The association asks, with the person, for the purpose she or he needs it for.
        "attestations.request": set(ASSOCIATION_ROLES),
        # The secretariat issues it for the prefect (the letterhead's delegation of signature) or refuses it.
        "attestations.issue": {Role.SECRETARIAT},
    }
)


def is_own(actor: Actor, pathway: Pathway) -> bool:
    return actor.is_association and pathway.association_id == actor.organisation.pk


def pathway_is_current(pathway: Pathway) -> bool:
    """Authorised, with a period that has not ended: the only pathway an attestation can speak of."""
    return pathway.state == "active" and pathway.last_period is not None and not pathway.period_expired


def abilities(actor: Actor, pathway: Pathway) -> dict[str, bool]:
    return {
        "request": can(actor, "attestations.request")
        and is_own(actor, pathway)
        and pathway_is_current(pathway),
        "issue": can(actor, "attestations.issue"),
    }
