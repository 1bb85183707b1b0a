"""Who may do what on conventions and the departmental strategy (registered into the permission matrix).

The secretariat records and follows everything of its département, figures unsuppressed. A partner whose
organisation is a party reads that convention only, figures under statistical secrecy (selectors scope it:
404 otherwise). The strategy is the secretariat's working tool.
"""

from __future__ import annotations

from parcours.core.access import Actor
from parcours.core.policies import AM, AW, PA, S, can, register

PERMISSIONS = {
    "conventions.view": {S, AW, AM, PA},
    "conventions.manage": {S},
    "strategy.manage": {S},
}


def register_permissions() -> None:
    register(PERMISSIONS)


def sees_exact_figures(actor: Actor) -> bool:
    """The secretariat's own screens are unsuppressed (docs/secret-statistique.md); everyone else reads
    figures under statistical secrecy."""
    return actor.is_secretariat


def abilities(actor: Actor, convention) -> dict[str, bool]:
    from .models import ConventionState

    manage = can(actor, "conventions.manage") and convention.departement_id == actor.departement.pk
    return {
        "manage": manage,
        "edit": manage and convention.state == ConventionState.IN_FORCE,
        "close": manage and convention.state == ConventionState.IN_FORCE,
    }
