"""The audit writer: one call per read or write of protected data, in the caller's transaction."""

from __future__ import annotations

from .access import Actor
from .models import AuditAction, AuditEvent


def _event(actor: Actor | None, action: str, obj, detail: str, departement=None) -> AuditEvent:
    """An unsaved event; `obj` is referred to by its type and opaque public id only. Without an actor
    (someone acting through an invitation link), `departement` files the event in its département's
    journal."""
    return AuditEvent(
        departement=actor.departement if actor else departement,
        user=actor.user if actor else None,
        role=actor.role if actor else "",
        organisation=actor.organisation if actor else None,
        action=AuditAction(action),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(getattr(obj, "public_id", "") or "") if obj is not None else "",
        detail=detail[:200],
    )


def record(actor: Actor | None, action: str, obj=None, *, detail: str = "", departement=None) -> AuditEvent:
    """Write one audit event."""
    event = _event(actor, action, obj, detail, departement)
    event.save()
    return event


def record_many(actor: Actor | None, action: str, objs, *, detail: str = "") -> list[AuditEvent]:
    """One event per object in a single INSERT: list pages audit every row they show, at constant cost."""
    events = [_event(actor, action, obj, detail) for obj in objs]
    return AuditEvent.objects.bulk_create(events) if events else []


def record_refusal(actor: Actor, *, object_type: str, object_id: str, detail: str) -> AuditEvent:
    """A refused attempt (403, or 404 out of scope or unknown): against the requested object's type and opaque
    id as the URL gave them, never an identity. Written outside the request's transaction, which the refusal
    rolled back."""
    event = AuditEvent(
        departement=actor.departement,
        user=actor.user,
        role=actor.role,
        organisation=actor.organisation,
        action=AuditAction.REFUSED,
        object_type=object_type[:50],
        object_id=object_id[:64],
        detail=detail[:200],
    )
    event.save()
    return event
