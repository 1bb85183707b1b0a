"""The audit writer: one call per read or write of protected data, in the caller's transaction."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

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


def record_many(actor: Actor, action: str, objs, *, detail: str = "") -> None:
    """One event per object in a single INSERT: list pages audit every row they show, at constant cost.

    On PostgreSQL the objects travel as two arrays (types, opaque ids) unnested by one statement whose text
    never changes, prepared once per connection (settings.DB_PREPARE_THRESHOLD): a page of 25 rows writes
    its 25 events without building 25 model instances. The rows are those `bulk_create` would write (same
    columns, same defaults, same triggers); elsewhere, `bulk_create` itself."""
    objs = list(objs)
    if not objs:
        return
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create([_event(actor, action, obj, detail) for obj in objs])
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_MANY,
            [
                timezone.now(),
                actor.organisation.departement_id,
                actor.user.pk,
                actor.role,
                actor.organisation.pk,
                AuditAction(action).value,
                detail[:200],
                [obj._meta.label_lower for obj in objs],
                [str(obj.public_id) for obj in objs],
            ],
        )


# The columns of AuditEvent but its id (a default of the table), in the model's order.
_INSERT_MANY = (
    f"INSERT INTO {AuditEvent._meta.db_table} (at, departement_id, user_id, role, organisation_id, action, "  # noqa: S608
    "detail, object_type, object_id) SELECT %s::timestamptz, %s::bigint, %s::bigint, %s::varchar, "
    "%s::bigint, %s::varchar, %s::varchar, o.object_type, o.object_id "
    "FROM unnest(%s::varchar[], %s::varchar[]) AS o(object_type, object_id)"
)


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
