"""Scoped reads of the rights register: the association following the person, the secretariat of her
département; 404 outside (people_visible_to, then policies.may_act)."""

from __future__ import annotations

from datetime import date

from parcours.core.access import Actor
from parcours.people.models import Person
from parcours.people.selectors import OutOfScope, people_visible_to, read_person_data

from .models import RightsRequest
from .policies import may_act


def get_person_for_rights_or_404(actor: Actor, public_id, *, permission: str, detail: str) -> Person:
    """The person, read through the audited accessor; 404 (journaled refusal) if the actor neither follows
    her nor is the secretariat of her département."""
    person = read_person_data(
        actor,
        people_visible_to(actor).select_related("organisation", "departement"),
        public_id,
        detail=detail,
    )
    if not may_act(actor, person, permission):
        raise OutOfScope(Person, public_id, detail)
    return person


def rights_requests_visible_to(actor: Actor | None):
    if actor is None or not (actor.is_secretariat or actor.is_association):
        return RightsRequest.objects.none()
    base = RightsRequest.objects.filter(departement=actor.departement)
    if actor.is_secretariat:
        return base
    return base.filter(person__organisation=actor.organisation, person__merged_into__isnull=True)


def get_rights_request_or_404(actor: Actor, public_id, *, permission: str, detail: str) -> RightsRequest:
    """A request of the register, read through the audited accessor (journaled against its person); 404 if
    the actor may not act on that person's rights."""
    rights_request = read_person_data(
        actor,
        rights_requests_visible_to(actor).select_related("person__departement", "person__organisation"),
        public_id,
        person_of=lambda r: r.person,
        detail=detail,
    )
    if not may_act(actor, rights_request.person, permission):
        raise OutOfScope(RightsRequest, public_id, detail)
    return rights_request


def requests_past_due(actor: Actor | None, today: date):
    """Open requests whose answer is due (or overdue) by `today`: the board shows them, most overdue first."""
    return rights_requests_visible_to(actor).open().filter(due_on__lte=today).order_by("due_on", "pk")


def open_requests(actor: Actor | None):
    return rights_requests_visible_to(actor).open().order_by("due_on", "pk")
