"""Who sees which dashboard (docs/tableaux-de-bord.md)."""

from __future__ import annotations

from parcours.core.policies import AM, AW, NA, PA, S, register

PERMISSIONS = {
    # A dashboard: a partner its own organisation's activity (under statistical secrecy), the secretariat the
    # whole network or any one partner (exact figures).
    "stats.dashboard": {S, PA, AW, AM},
    # The whole network and the choice of a partner: the secretariat.
    "stats.network": {S},
    # The indicators' definitions: whoever reads figures (the national analyst included).
    "stats.catalogue": {S, PA, AW, AM, NA},
}


def register_permissions() -> None:
    register(PERMISSIONS)
