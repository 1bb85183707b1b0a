"""Who may do what on the partners' actions: registered into the permission matrix, plus ownership.

A partner (association worker or manager, partner advisor) records and edits its own organisation's actions;
the secretariat sees and edits every action of its département and keeps the list of establishments. Other
roles see nothing here.
"""

from __future__ import annotations

from parcours.core.access import Actor
from parcours.core.policies import AM, AW, PA, S, can, register

PERMISSIONS = {
    # Outreach rounds, prevention actions and cross-trainings: every partner, and the secretariat.
    "actions.record": {S, AW, AM, PA},
    # Sessions of the clients' awareness course: organised by associations; the secretariat sees them all.
    "actions.course": {S, AW, AM},
    # The département's list of establishments (import included) and the coverage of prevention.
    "actions.establishments": {S},
}


def register_permissions() -> None:
    register(PERMISSIONS)


def is_own(actor: Actor, item) -> bool:
    """Whether `item` (an action) is one `actor` may read and change: its organisation's own, or any of its
    département's for the secretariat."""
    if item.departement_id != actor.departement.pk:
        return False
    return actor.is_secretariat or item.organisation_id == actor.organisation.pk


def abilities(actor: Actor, item, permission: str) -> dict[str, bool]:
    allowed = can(actor, permission) and is_own(actor, item)
    return {"edit": allowed, "delete": allowed}
