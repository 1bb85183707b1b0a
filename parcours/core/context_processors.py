from .policies import MATRIX


def actor(request):
    current = getattr(request, "actor", None)
    allowed = {perm for perm, roles in MATRIX.items() if current and current.role in roles}
    return {"actor": current, "allowed": allowed}
