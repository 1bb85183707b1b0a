"""Scoped reads of appeals and procedures: the département's prefecture sees them all; an association those
about its own people and its own agrément; nobody else. Out of scope answers 404."""

from __future__ import annotations

from django.db.models import Q

from parcours.core.access import Actor
from parcours.core.roles import Role

from .models import Appeal, Procedure


def appeals_visible_to(actor: Actor | None):
    if actor is None:
        return Appeal.objects.none()
    base = Appeal.objects.filter(departement=actor.departement)
    if actor.role in (Role.SECRETARIAT, Role.SIGNATORY):
        return base
    if actor.is_association:
        org = actor.organisation
        return base.filter(
            Q(decision__pathway__association=org)
            | Q(procedure__pathway__association=org)
            | Q(procedure__agrement__organisation=org)
            | Q(application__organisation=org)
            | Q(agrement__organisation=org)
        )
    return Appeal.objects.none()


def procedures_visible_to(actor: Actor | None):
    if actor is None:
        return Procedure.objects.none()
    base = Procedure.objects.filter(departement=actor.departement)
    if actor.role in (Role.SECRETARIAT, Role.SIGNATORY):
        return base
    if actor.is_association:
        org = actor.organisation
        return base.filter(Q(pathway__association=org) | Q(agrement__organisation=org))
    return Procedure.objects.none()


def person_of_appeal(appeal: Appeal):
    if appeal.decision_id:
        return appeal.decision.pathway.person
    if appeal.procedure_id and appeal.procedure.pathway_id:
        return appeal.procedure.pathway.person
    return None


def get_appeal_or_404(actor: Actor, public_id, *, detail: str = "recours", action: str = "view") -> Appeal:
    from parcours.people.selectors import read_person_data

    scope = appeals_visible_to(actor).select_related(
        "decision__pathway__person",
        "decision__request",
        "procedure__pathway__person",
        "application__organisation",
        "agrement__organisation",
    )
    return read_person_data(actor, scope, public_id, person_of=person_of_appeal, detail=detail, action=action)


def get_procedure_or_404(
    actor: Actor, public_id, *, detail: str = "procédure contradictoire", action: str = "view"
) -> Procedure:
    from parcours.people.selectors import read_person_data

    scope = procedures_visible_to(actor).select_related(
        "pathway__person", "pathway__association", "agrement__organisation", "end_decision"
    )
    return read_person_data(
        actor,
        scope,
        public_id,
        person_of=lambda p: p.pathway.person if p.pathway_id else None,
        detail=detail,
        action=action,
    )
