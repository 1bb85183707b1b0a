"""Scoped reads: the secretariat and the signatory see their département, an association its own files."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.http import Http404

from parcours.core import audit
from parcours.core.access import Actor
from parcours.core.models import Departement, Organisation, OrganisationKind
from parcours.core.roles import Role

from .models import (
    Agrement,
    AgrementApplication,
    AgrementStatus,
    ApplicationState,
)


def applications_visible_to(actor: Actor | None) -> QuerySet[AgrementApplication]:
    qs = AgrementApplication.objects.select_related("organisation", "agrement", "previous")
    if actor is None:
        return qs.none()
    if actor.role in (Role.SECRETARIAT, Role.SIGNATORY):
        # A draft is the association's work in progress: the prefecture sees the file once it is sent.
        return qs.filter(departement=actor.departement).exclude(state=ApplicationState.DRAFT)
    if actor.is_association:
        return qs.filter(organisation=actor.organisation)
    return qs.none()


def _parse_uuid(value) -> str | None:
    import uuid

    try:
        return str(uuid.UUID(str(value)))
    except (TypeError, ValueError, AttributeError):
        return None


def get_application_or_404(actor: Actor | None, public_id) -> AgrementApplication:
    key = _parse_uuid(public_id)
    application = applications_visible_to(actor).filter(public_id=key).first() if key else None
    if application is None:
        raise Http404
    audit.record(actor, "view", application, detail="demande d'agrément")
    return application


def associations_of(departement: Departement) -> QuerySet[Organisation]:
    return Organisation.objects.filter(departement=departement, kind=OrganisationKind.ASSOCIATION).order_by(
        "name"
    )


def get_association_or_404(actor: Actor, public_id) -> Organisation:
    key = _parse_uuid(public_id)
    org = associations_of(actor.departement).filter(public_id=key).first() if key else None
    if org is None:
        raise Http404
    return org


def latest_agrement(organisation: Organisation, day: date) -> Agrement | None:
    """The agrément that speaks for the association on `day`: the one in force, else the latest one."""
    agrements = list(Agrement.objects.filter(organisation=organisation).order_by("-valid_from"))
    for agrement in agrements:
        if agrement.status_on(day) in (AgrementStatus.VALID, AgrementStatus.EXPIRING):
            return agrement
    started = [a for a in agrements if a.valid_from <= day]
    return started[0] if started else (agrements[0] if agrements else None)


def agrement_status(organisation: Organisation, day: date) -> tuple[str, Agrement | None]:
    agrement = latest_agrement(organisation, day)
    if agrement is None:
        return AgrementStatus.NONE, None
    return agrement.status_on(day), agrement


def applications_awaiting_opinion(departement: Departement) -> QuerySet[AgrementApplication]:
    """Files complete and waiting for the commission's opinion (for the commission's agendas)."""
    return (
        AgrementApplication.objects.filter(departement=departement, state=ApplicationState.AWAITING_OPINION)
        .select_related("organisation")
        .order_by("complete_on", "created_at")
    )
