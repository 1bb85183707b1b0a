"""Who may read and keep the network's directory (docs/annuaire.md)."""

from __future__ import annotations

from parcours.core.policies import AM, AW, CM, PA, SG, S, register

PERMISSIONS = {
    # Every role that works with people or detections reads the directory: whom to call, what to send.
    "directory.view": {S, SG, AW, AM, CM, PA},
    # The secretariat keeps it (create, edit, retire) and exports it.
    "directory.manage": {S},
}


def register_permissions() -> None:
    register(PERMISSIONS)
