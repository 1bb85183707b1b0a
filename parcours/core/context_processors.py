from functools import cache

from .policies import MATRIX


@cache
def permissions_of(role: str) -> frozenset[str]:
    """Every permission of a role (the matrix is code: it does not change while a process runs)."""
    return frozenset(perm for perm, roles in MATRIX.items() if role in roles)


def actor(request):
    current = getattr(request, "actor", None)
    return {"actor": current, "allowed": permissions_of(current.role) if current else frozenset()}
