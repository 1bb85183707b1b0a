"""Every write of the directory: the secretariat creates, edits and retires entries (audited)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from parcours.core import audit
from parcours.core.access import Actor
from parcours.core.policies import can

from .models import Entry

FIELDS = (
    "category",
    "name",
    "contact_name",
    "contact_function",
    "phone",
    "email",
    "website",
    "address",
    "commune",
    "hours",
    "what_to_send",
    "audience",
    "languages",
)


def _check(actor: Actor) -> None:
    if not can(actor, "directory.manage"):
        raise ValidationError("Seul le secrétariat de la commission tient l'annuaire.")


@transaction.atomic
def create_entry(*, actor: Actor, data: dict) -> Entry:
    _check(actor)
    entry = Entry(departement=actor.departement, created_by=actor.user)
    for name in FIELDS:
        setattr(entry, name, data.get(name, getattr(entry, name)))
    entry.search_text = entry.searchable()
    entry.full_clean(exclude=["created_by", "departement"])
    entry.save()
    audit.record(actor, "create", entry, detail="entrée de l'annuaire")
    return entry


@transaction.atomic
def update_entry(*, actor: Actor, entry: Entry, data: dict) -> Entry:
    _check(actor)
    if entry.departement_id != actor.departement.pk or entry.retired_on is not None:
        raise ValidationError("Cette entrée de l'annuaire n'est plus modifiable.")
    for name in FIELDS:
        if name in data:
            setattr(entry, name, data[name])
    entry.search_text = entry.searchable()
    entry.full_clean(exclude=["created_by", "departement"])
    entry.save()
    audit.record(actor, "update", entry, detail="entrée de l'annuaire modifiée")
    return entry


@transaction.atomic
def retire_entry(*, actor: Actor, entry: Entry, day: date | None = None) -> Entry:
    """The entry leaves the directory (the service closed, the referent left); the row stays for the
    journal."""
    _check(actor)
    if entry.retired_on is not None:
        raise ValidationError("Cette entrée est déjà retirée de l'annuaire.")
    entry.retired_on = day or timezone.localdate()
    entry.retired_by = actor.user
    entry.save(update_fields=["retired_on", "retired_by", "updated_at"])
    audit.record(actor, "update", entry, detail="entrée retirée de l'annuaire")
    return entry
