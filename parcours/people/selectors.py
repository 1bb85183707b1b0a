"""Every read of a person goes through here: need-to-know scoping, 404 outside scope, audit, alerts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404

from parcours.core import audit
from parcours.core.access import Actor
from parcours.core.models import Alert
from parcours.core.roles import Role
from parcours.core.services import raise_alert
from parcours.core.sql_shapes import fixed_shape

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
    qs = people_visible_to(actor).filter(merged_into__isnull=True)
    if actor is not None and not (actor.is_secretariat or actor.is_association):
        qs = qs.filter(is_sensitive=False)
    return qs


class OutOfScope(Http404):
    """404: the object does not exist or lies outside the actor's scope. It names the requested object (type
    and opaque id, never an identity) so that the refusal is journaled once the request's transaction is
    rolled back (parcours.core.middleware.RefusalJournalMiddleware)."""

    def __init__(self, model, public_id, detail: str = ""):
        super().__init__()
        self.object_type = model._meta.label_lower
        self.object_id = str(public_id)[:64]
        self.detail = detail


def note_access(
    actor: Actor, person: Person, *, action: str = "view", detail: str = "", reason: str = ""
) -> None:
    """Audit an access to a person's data and alert the secretariat if the file is sensitive."""
    if reason:
        detail = f"{detail} — motif : {reason}" if detail else f"motif : {reason}"
    # One event, written as a list page's are (one prepared INSERT, no model instance built and saved).
    audit.record_many(actor, action, [person], detail=detail)
    _alert_if_sensitive(actor, person, detail or action)


def _alert_if_sensitive(actor: Actor, person: Person, what: str) -> None:
    if person.is_sensitive and not actor.is_secretariat:
        raise_alert(
            departement=person.departement,
            kind=Alert.Kind.SENSITIVE_ACCESS,
            message=f"Accès au dossier sensible {person.pseudonym} par {actor.user} ({actor.organisation}) : "
            f"{what}",
            obj=person,
        )


def note_list(actor: Actor, people, *, detail: str, action: str = "view") -> None:
    """A page that lists people: one event per person shown (one INSERT), and the sensitive-file alert for
    each sensitive file shown to someone outside the secretariat."""
    people = list(people)
    audit.record_many(actor, action, people, detail=detail)
    for person in people:
        _alert_if_sensitive(actor, person, detail)


def read_person_data(
    actor: Actor,
    scope,
    public_id,
    *,
    person_of=None,
    detail: str,
    action: str = "view",
    reason: str = "",
):
    """The one audited way to read anything of a person: a file, a pathway, a permit, a decision, a letter,
    a generated document, a summary.

    `scope` is the queryset of what the actor may reach (a `..._visible_to(actor)`); outside it, or for an
    unknown id, OutOfScope (404, journaled as a refusal). Inside, the access is recorded against the person
    `person_of(obj)` returns (the object itself if it is a Person; when it returns None, the object holds no
    one's data and the event names the object), with the reason when the role must give one, and the
    secretariat is alerted if the file is sensitive. Returns the object."""
    try:
        obj = fixed_shape(scope).get(public_id=public_id)
    except (scope.model.DoesNotExist, ValueError, ValidationError) as exc:
        raise OutOfScope(scope.model, public_id, detail) from exc
    person = obj if isinstance(obj, Person) else (person_of(obj) if person_of else None)
    if person is None:
        audit.record(actor, action, obj, detail=detail)
    else:
        note_access(actor, person, action=action, detail=detail, reason=reason)
    return obj


# What a generated document can be related to (documents.GeneratedDocument.object_type), and the path from
# the person to it: a decision and its letters are related to the request they decide.
PERSON_PATH_OF_RELATED = {
    "people.person": "public_id",
    "pathways.pathway": "pathways__public_id",
    "pathways.request": "pathways__requests__public_id",
}


def person_related_to(object_type: str, object_id: str) -> Person | None:
    """The person a related object (type and opaque id) is about, or None if it is about no one."""
    path = PERSON_PATH_OF_RELATED.get(object_type)
    if path is None or not object_id:
        return None
    return Person.objects.filter(**{path: object_id}).select_related("departement").first()


def get_person_or_404(actor: Actor, public_id, *, detail: str = "fiche personne") -> Person:
    return read_person_data(
        actor,
        people_visible_to(actor).select_related("organisation", "departement"),
        public_id,
        detail=detail,
    )
