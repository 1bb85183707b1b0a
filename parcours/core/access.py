"""The actor: who acts (user), for which organisation and with which role, in which département.

Every service and selector takes an actor first; views get it from `request.actor`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Departement, Membership, Organisation, User
from .roles import ASSOCIATION_ROLES, Role
from .sql_shapes import fixed_shape


@dataclass(frozen=True)
class Actor:
    user: User
    membership: Membership

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def organisation(self) -> Organisation:
        return self.membership.organisation

    @property
    def departement(self) -> Departement:
        return self.membership.organisation.departement

    @property
    def is_association(self) -> bool:
        return self.role in ASSOCIATION_ROLES

    @property
    def is_secretariat(self) -> bool:
        return self.role == Role.SECRETARIAT

    def __str__(self) -> str:  # used in timelines: staff name and organisation, never a person's identity
        return f"{self.user} ({self.organisation})"


SESSION_KEY = "parcours_membership"


def actor_for(user: User, membership_public_id: str | None) -> Actor | None:
    """Resolve the membership chosen in the session, or the only one the user has."""
    # Read at every request (ActorMiddleware): its compiled SQL kept (parcours.core.sql_shapes).
    memberships = fixed_shape(
        Membership.objects.active().filter(user=user).select_related("organisation__departement")
    )
    if membership_public_id:
        chosen = memberships.filter(public_id=membership_public_id).first()
        if chosen:
            return Actor(user=user, membership=chosen)
    only = list(memberships[:2])
    if len(only) == 1:
        return Actor(user=user, membership=only[0])
    return None
