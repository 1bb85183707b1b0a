"""Reads of the directory: the actor's département only; approved associations from the agrément register."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.http import Http404

from parcours.approvals.models import Agrement
from parcours.approvals.selectors import approved_in
from parcours.core.access import Actor
from parcours.core.models import Organisation
from parcours.core.policies import can

from . import rules
from .models import Audience, Category, Entry, fold


def entries_visible_to(actor: Actor | None) -> QuerySet[Entry]:
    if actor is None or not can(actor, "directory.view"):
        return Entry.objects.none()
    return Entry.objects.filter(departement=actor.departement).current()


def get_entry_or_404(actor: Actor | None, public_id) -> Entry:
    try:
        key = uuid.UUID(str(public_id))
    except (TypeError, ValueError, AttributeError):
        raise Http404 from None
    entry = entries_visible_to(actor).filter(public_id=key).first()
    if entry is None:
        raise Http404
    return entry


@dataclass(frozen=True)
class ApprovedAssociation:
    """An association with a valid agrément on the day, as the directory shows it (never typed again)."""

    organisation: Organisation
    agrement: Agrement

    name = property(lambda self: self.organisation.name)
    address = property(lambda self: self.organisation.address)
    email = property(lambda self: self.organisation.email)
    category_label = Category.ASSOCIATION.label

    def searchable(self) -> str:
        return fold(f"{self.name} {self.category_label} association agreee {self.address}")


def approved_associations(actor: Actor, day: date) -> list[ApprovedAssociation]:
    # approvals' single reading: approved at a seat here, or at another seat for this département too
    # (R. 121-12-3 CASF), shown through the association's establishment here when one is named.
    return [ApprovedAssociation(org, agrement) for org, agrement in approved_in(actor.departement, day)]


def national_numbers(query: str = "") -> list[rules.NationalNumber]:
    words = fold(query).split()
    return [
        n for n in rules.NATIONAL_NUMBERS if all(w in fold(f"{n.number} {n.name} {n.purpose}") for w in words)
    ]


@dataclass(frozen=True)
class DirectorySearch:
    query: str
    category: str
    audience: str
    entries: list[Entry]
    associations: list[ApprovedAssociation]
    numbers: list[rules.NationalNumber]

    @property
    def count(self) -> int:
        return len(self.entries) + len(self.associations) + len(self.numbers)


def search(
    actor: Actor, *, query: str = "", category: str = "", audience: str = "", day: date
) -> DirectorySearch:
    """One search box over the département's entries, its approved associations and the national numbers.

    Unknown category or audience values are ignored (never an error)."""
    category = category if category in Category.values else ""
    audience = audience if audience in Audience.values else ""
    entries = entries_visible_to(actor).matching(query)
    if category:
        entries = entries.filter(category=category)
    if audience:
        entries = entries.filter(audience__in=[audience, Audience.BOTH])
    associations = []
    if category in ("", Category.ASSOCIATION):
        words = fold(query).split()
        associations = [
            a for a in approved_associations(actor, day) if all(w in a.searchable() for w in words)
        ]
    numbers = national_numbers(query) if not category else []
    if audience:
        numbers = [n for n in numbers if n.audience in (audience, Audience.BOTH)]
    return DirectorySearch(
        query=query,
        category=category,
        audience=audience,
        entries=list(entries.order_by("category", "name")),
        associations=associations,
        numbers=numbers,
    )
