"""Who may exercise a person's rights in Parcours (the matrix, parcours.core.policies): the association that
follows the person, and the secretariat of her département. Nobody else: a partner, another association or a
commission member never reaches these pages (404 through people_visible_to, 403 by role)."""

from __future__ import annotations

from parcours.core.access import Actor
from parcours.core.policies import can, register
from parcours.core.roles import ASSOCIATION_ROLES, Role

register(
    {
        # The rights page of a person: requests register, rectifications, notices handed over.
        "datarights.view": {Role.SECRETARIAT, *ASSOCIATION_ROLES},
        # Record a request, answer it, record a notice handed over.
        "datarights.edit": {Role.SECRETARIAT, *ASSOCIATION_ROLES},
        # Build the access export (everything held about the person, decrypted, in an encrypted archive).
        "datarights.export": {Role.SECRETARIAT, *ASSOCIATION_ROLES},
        # The information notice (art. 13-14), filled for the person: those who hand it over.
        "datarights.notice": {Role.SECRETARIAT, *ASSOCIATION_ROLES},
    }
)


def is_own(actor: Actor, person) -> bool:
    """The person is followed by the actor's association (and her record was not merged away)."""
    return (
        actor.is_association and person.organisation_id == actor.organisation.pk and not person.merged_into_id
    )


def may_act(actor: Actor, person, permission: str) -> bool:
    """The association following the person, or the secretariat of her département."""
    if not can(actor, permission):
        return False
    if actor.is_secretariat:
        return person.departement_id == actor.departement.pk
    return is_own(actor, person)


def abilities(actor: Actor, person) -> dict[str, bool]:
    return {
        "view": may_act(actor, person, "datarights.view"),
        "edit": may_act(actor, person, "datarights.edit"),
        "export": may_act(actor, person, "datarights.export"),
        "notice": may_act(actor, person, "datarights.notice"),
    }
