"""Probable duplicates and the merge of two person records (secretariat only).

Two records of the same département are probable duplicates when their birth names and birth dates have the
same blind indexes. A merge keeps one record and moves to it everything of the other (consents, shares,
follow-up notes, pathways with their requests and periods, aliases); the other record stays, marked as merged
into the kept one, with its own audit trail, and leaves lists and searches. Nothing is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from parcours.core import audit
from parcours.core.access import Actor
from parcours.core.crypto import blind_index

from .models import ALIAS_NAME, PERSON_LAST_NAME, Person, PersonAlias
from .services import refresh_search_tokens


def _require_secretariat(actor: Actor) -> None:
    if not actor.is_secretariat:
        raise PermissionDenied


def probable_duplicates(actor: Actor) -> list[list[Person]]:
    """Groups of records of the actor's département with the same birth name and birth date (blind indexes),
    merged records left out; each group ordered by creation (the oldest first)."""
    _require_secretariat(actor)
    base = Person.objects.filter(departement=actor.departement, merged_into__isnull=True)
    keys = (
        base.values("last_name_bidx", "birth_date_bidx")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("last_name_bidx", "birth_date_bidx")
    )
    groups = []
    for key in keys:
        people = list(
            base.filter(last_name_bidx=key["last_name_bidx"], birth_date_bidx=key["birth_date_bidx"])
            .select_related("organisation")
            .order_by("created_at")
        )
        groups.append(people)
    return groups


@dataclass(frozen=True)
class MergePlan:
    """What a merge would move from `other` to `kept`, and why it would be refused (empty if it would not)."""

    kept: Person
    other: Person
    consents: int
    shares: int
    notes: int
    pathways: int
    aliases: int
    refusal: str

    @property
    def allowed(self) -> bool:
        return not self.refusal


def _periods_of(person: Person) -> list[tuple]:
    """The (start, end) of every period of every pathway of the person (through the reverse relations)."""
    return list(
        Person.objects.filter(pk=person.pk, pathways__periods__isnull=False).values_list(
            "pathways__periods__start", "pathways__periods__end"
        )
    )


def _overlapping_periods(kept: Person, other: Person) -> bool:
    mine = _periods_of(kept)
    theirs = _periods_of(other)
    return any(s1 <= e2 and s2 <= e1 for s1, e1 in mine for s2, e2 in theirs)


def merge_plan(actor: Actor, kept: Person, other: Person) -> MergePlan:
    _require_secretariat(actor)
    refusal = ""
    if kept.pk == other.pk:
        refusal = "Choisissez deux fiches différentes."
    elif kept.departement_id != actor.departement.pk or other.departement_id != actor.departement.pk:
        raise PermissionDenied
    elif kept.merged_into_id or other.merged_into_id:
        refusal = "L'une des deux fiches a déjà été fusionnée dans une autre."
    elif kept.pathways.open().exists() and other.pathways.open().exists():
        refusal = (
            f"Les fiches {kept.pseudonym} et {other.pseudonym} ont chacune un parcours en cours : une "
            "personne ne peut avoir qu'un parcours en cours à la fois, et la fusion lui en donnerait deux. "
            "Terminez ou clôturez d'abord celui qui fait double emploi."
        )
    elif _overlapping_periods(kept, other):
        refusal = (
            f"Des périodes d'autorisation des fiches {kept.pseudonym} et {other.pseudonym} se chevauchent : "
            "la fusion donnerait à la personne deux autorisations sur les mêmes dates, ce qui fausserait la "
            "durée maximale du parcours et l'AFIS. Vérifiez les deux parcours avant de fusionner."
        )
    return MergePlan(
        kept=kept,
        other=other,
        consents=other.consents.count(),
        shares=other.shares.count(),
        notes=other.notes.count(),
        pathways=other.pathways.count(),
        aliases=other.aliases.count(),
        refusal=refusal,
    )


# Steps other apps add to a merge (called with kept= and other=, in its transaction), registered from their
# AppConfig.ready: people does not import them.
MERGE_STEPS: list = []


def register_merge_step(step) -> None:
    if step not in MERGE_STEPS:
        MERGE_STEPS.append(step)


@transaction.atomic
def merge_people(*, actor: Actor, kept: Person, other: Person) -> Person:
    """Move everything of `other` to `kept` (see the module's docstring). Refused with a ValidationError
    saying why (see `merge_plan`)."""
    # Lock both rows: two secretariat agents merging the same pair at once do it once.
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[kept.pk, other.pk])}
    kept, other = locked.get(kept.pk, kept), locked.get(other.pk, other)
    plan = merge_plan(actor, kept, other)
    if not plan.allowed:
        raise ValidationError(plan.refusal)
    other.consents.update(person=kept)
    other.shares.update(person=kept)
    other.notes.update(person=kept)
    other.pathways.update(person=kept)
    other.aliases.update(person=kept)
    other.interpreting_sessions.update(person=kept)
    for step in MERGE_STEPS:  # what other apps hold about the person (their housing route...)
        step(kept=kept, other=other)
    # The other record's names stay searchable on the kept one, as aliases.
    known_aliases = set(kept.aliases.values_list("name_bidx", flat=True))
    for name in (other.last_name, other.usual_name):
        bidx = blind_index(name, label=ALIAS_NAME)
        if (
            not bidx
            or bidx in known_aliases
            or blind_index(name, label=PERSON_LAST_NAME) == kept.last_name_bidx
        ):
            continue
        PersonAlias.objects.create(person=kept, kind=PersonAlias.Kind.ALIAS, name=name, name_bidx=bidx)
        known_aliases.add(bidx)
    other.merged_into = kept
    other.merged_at = timezone.now()
    other.save(update_fields=["merged_into", "merged_at", "updated_at"])
    other.search_tokens.all().delete()
    refresh_search_tokens(kept)
    audit.record(
        actor,
        "update",
        kept,
        detail=f"fusion : la fiche {other.pseudonym} y est rattachée ({plan.consents} consentement(s), "
        f"{plan.notes} note(s), {plan.pathways} parcours, {plan.aliases} alias, {plan.shares} partage(s))",
    )
    audit.record(actor, "update", other, detail=f"fusionnée dans la fiche {kept.pseudonym}")
    return kept
