"""Every read of a person goes through here: need-to-know scoping, 404 outside scope, audit, alerts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404

from parcours.core import audit
from parcours.core.access import Actor
from parcours.core.models import Alert
from parcours.core.roles import Role
from parcours.core.services import raise_alert

from .models import Person


def people_visible_to(actor: Actor | None):
    """The people an actor may see. Default: nobody."""
    if actor is None:
        return Person.objects.none()
    base = Person.objects.filter(departement=actor.departement)
    if actor.role == Role.SECRETARIAT:
        return base
    if actor.is_association:
        return base.filter(organisation=actor.organisation)
    if actor.role == Role.PARTNER_ADVISOR:
        # Shared under an active consent, and never a sensitive file.
        return base.filter(
            shares__partner=actor.organisation, shares__revoked_at__isnull=True, is_sensitive=False
        ).distinct()
    return Person.objects.none()


def searchable_people(actor: Actor | None):
    """People who may appear in lists and search results: sensitive files only for their own association
    and the secretariat."""
    qs = people_visible_to(actor)
    if actor is not None and not (actor.is_secretariat or actor.is_association):
        qs = qs.filter(is_sensitive=False)
    return qs


def note_access(actor: Actor, person: Person, *, action: str = "view", detail: str = "") -> None:
    """Audit an access to a person's data and alert the secretariat if the file is sensitive."""
    audit.record(actor, action, person, detail=detail)
    if person.is_sensitive and not actor.is_secretariat:
        raise_alert(
            departement=person.departement,
            kind=Alert.Kind.SENSITIVE_ACCESS,
            message=f"Accès au dossier sensible {person.pseudonym} par {actor.user} ({actor.organisation}) : "
            f"{detail or action}",
            obj=person,
        )


def get_person_or_404(actor: Actor, public_id, *, detail: str = "fiche personne") -> Person:
    try:
        person = (
            people_visible_to(actor).select_related("organisation", "departement").get(public_id=public_id)
        )
    except (Person.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    note_access(actor, person, detail=detail)
    return person
