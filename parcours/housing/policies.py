"""Who may read and record a person's housing steps (the matrix, parcours.core.policies)."""

from __future__ import annotations

from parcours.core.access import Actor
from parcours.core.policies import can, register
from parcours.core.roles import ASSOCIATION_ROLES, Role

register(
    {
        # The secretariat reads the housing steps of its département's people (the « Situation » it already
        # sees); the accompanying association records them.
        "housing.view": {Role.SECRETARIAT, *ASSOCIATION_ROLES},
        "housing.edit": set(ASSOCIATION_ROLES),
    }
)


def is_own(actor: Actor, person) -> bool:
    """The person is accompanied by the actor's association (and their record was not merged away)."""
    return (
        actor.is_association and person.organisation_id == actor.organisation.pk and not person.merged_into_id
    )


def abilities(actor: Actor, person) -> dict[str, bool]:
    return {"view": can(actor, "housing.view"), "edit": can(actor, "housing.edit") and is_own(actor, person)}
