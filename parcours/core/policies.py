"""The permission matrix, as code: which role may perform which action.

Views, templates (through `abilities`), the board and the authorisation-matrix test all read this one
table. Default deny. Object scoping (which person, which pathway) lives in each app's selectors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .access import Actor
from .roles import Role, confirming_role

if TYPE_CHECKING:
    from .models import Membership

S, SG = Role.SECRETARIAT, Role.SIGNATORY
AW, AM = Role.ASSOCIATION_WORKER, Role.ASSOCIATION_MANAGER
CM, PA, IM = Role.COMMISSION_MEMBER, Role.PARTNER_ADVISOR, Role.IMMIGRATION
NA, AD = Role.NATIONAL_ANALYST, Role.ADMIN
ASSO = {AW, AM}

MATRIX: dict[str, frozenset[str]] = {
    # "À traiter" board: every role has one (possibly empty).
    "board.view": frozenset(set(Role)),
    # People (identity, situation, consent, notes).
    "people.list": frozenset({S, AW, AM, PA}),
    "people.view": frozenset({S, AW, AM, PA}),
    "people.edit": frozenset(ASSO),
    "people.notes": frozenset(ASSO),
    "people.consent": frozenset(ASSO),
    "people.share": frozenset(ASSO),
    # Interpreters present at the consent, the commitments, a notification: recorded by the association.
    "people.interpreting": frozenset(ASSO),
    # Documents translated for the person (no one's data): those who give them, and the secretariat.
    "people.translations": frozenset({S, AW, AM}),
    # Probable duplicates and the merge of two records: the secretariat, which sees every file.
    "people.merge": frozenset({S}),
    # Pathways and requests.
    "pathways.list": frozenset({S, SG, AW, AM}),
    "pathways.view": frozenset({S, SG, AW, AM}),
    "requests.edit": frozenset(ASSO),
    "requests.submit": frozenset(ASSO),
    "requests.check": frozenset({S}),
    "requests.opinion": frozenset({S}),
    "requests.decide": frozenset({S, SG}),
    "pathways.end": frozenset({S}),
    # The association reports an end or a withdrawal; the secretariat confirms or refuses it.
    "pathways.report_end": frozenset(ASSO),
    "pathways.confirm_end": frozenset({S}),
    "rights.edit": frozenset({S, AW, AM}),
    "documents.download": frozenset({S, SG, AW, AM}),
    # Residence permits: the immigration service sees only what it needs.
    "permits.list": frozenset({IM}),
    "permits.edit": frozenset({IM, S}),
    # Secretariat's own tools.
    "alerts.acknowledge": frozenset({S}),
    "audit.view": frozenset({S}),
    # National statistics under statistical secrecy (its landing page until they exist), never a person.
    "stats.national": frozenset({NA}),
    # Administration: users and organisations, never a person's file.
    "admin.manage": frozenset({AD}),
    # Held grants (a role that sees people, requested by an administrator): the secretariat confirms them,
    # a second administrator confirms the secretariat's (can_decide_membership says which).
    "memberships.confirm": frozenset({S, AD}),
}


def register(permissions: dict[str, set[str] | frozenset[str]]) -> None:
    """Add an app's permissions to the matrix (called from its AppConfig.ready). A name is defined once."""
    clash = set(permissions) & set(MATRIX)
    if clash:
        raise ValueError(f"Permissions déjà définies : {sorted(clash)}")
    MATRIX.update({name: frozenset(roles) for name, roles in permissions.items()})


def can(actor: Actor | None, permission: str) -> bool:
    if actor is None:
        return False
    roles = MATRIX.get(permission)
    if roles is None:
        raise KeyError(f"Permission inconnue : {permission}")
    return actor.role in roles


def can_decide_membership(actor: Actor | None, membership: Membership) -> bool:
    """Whether `actor` may confirm or refuse this held grant: pending, in its département, of a role its
    own role confirms (roles.confirming_role), and neither a grant to itself nor one it requested."""
    return (
        actor is not None
        and can(actor, "memberships.confirm")
        and membership.pending
        and membership.organisation.departement_id == actor.departement.pk
        and actor.role == confirming_role(membership.role)
        and actor.user.pk not in (membership.user_id, membership.requested_by_id)
    )
