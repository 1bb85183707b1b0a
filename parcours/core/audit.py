"""The audit writer: one call per read or write of protected data, in the caller's transaction."""

from __future__ import annotations

from .access import Actor
from .models import AuditAction, AuditEvent


def record(actor: Actor | None, action: str, obj=None, *, detail: str = "") -> AuditEvent:
    """Write an audit event. `obj` is referred to by its type and opaque public id only."""
    object_type = obj._meta.label_lower if obj is not None else ""
    object_id = str(getattr(obj, "public_id", "") or "") if obj is not None else ""
    return AuditEvent.objects.create(
        departement=actor.departement if actor else None,
        user=actor.user if actor else None,
        role=actor.role if actor else "",
        organisation=actor.organisation if actor else None,
        action=AuditAction(action),
        object_type=object_type,
        object_id=object_id,
        detail=detail[:200],
    )
