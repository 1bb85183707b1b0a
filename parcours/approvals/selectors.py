"""Scoped reads: the secretariat and the signatory see their département, an association its own files."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from parcours.core import audit
from parcours.core.access import Actor
from parcours.core.models import Departement, Organisation, OrganisationKind
from parcours.core.roles import Role

from . import rules
from .models import (
    Agrement,
    AgrementApplication,
    AgrementStatus,
    ApplicationState,
)
from .settings_store import commission_opinion_required


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


# What calls for action on the « À traiter » board, one queryset per kind of item: the board loads the first
# few of each and counts the rest; the list of associations (?a_traiter=<key>) shows them all.


def applications_to_check(departement: Departement) -> QuerySet[AgrementApplication]:
    """Files sent and waiting for their completeness check, the oldest receipt first."""
    return AgrementApplication.objects.filter(
        departement=departement, state=ApplicationState.SUBMITTED
    ).order_by("received_on", "pk")


def completeness_clocks(departement: Departement, today: date) -> QuerySet[AgrementApplication]:
    """Files waiting for their check whose completeness deadline (deemed complete) falls within
    COMPLETENESS_WARNING_DAYS, or has passed: selected by their receipt (rules.latest_start)."""
    by = today + timedelta(days=rules.COMPLETENESS_WARNING_DAYS)
    return applications_to_check(departement).filter(
        received_on__lte=rules.latest_start(rules.completeness_deadline, by)
    )


def tacit_clocks(departement: Departement, today: date) -> tuple[QuerySet, QuerySet]:
    """Files undecided whose tacit approval falls within TACIT_WARNING_DAYS (or has passed), as
    AgrementApplication.tacit_approval_on computes it: those declared complete (by complete_on), and those
    deemed complete, their check not made within the delay (by received_on)."""
    by = today + timedelta(days=rules.TACIT_WARNING_DAYS)
    undecided = AgrementApplication.objects.filter(departement=departement, decided_on__isnull=True).exclude(
        state__in=[ApplicationState.DRAFT, ApplicationState.INCOMPLETE]
    )
    declared = undecided.filter(
        complete_on__isnull=False, complete_on__lte=rules.latest_start(rules.tacit_approval_date, by)
    ).order_by("complete_on", "pk")
    deemed_by = min(
        rules.latest_start(rules.completeness_deadline, today),
        rules.latest_start(lambda day: rules.tacit_approval_date(rules.completeness_deadline(day)), by),
    )
    deemed = undecided.filter(
        complete_on__isnull=True, state=ApplicationState.SUBMITTED, received_on__lte=deemed_by
    ).order_by("received_on", "pk")
    return declared, deemed


def decidable_states(today: date) -> list[str]:
    """The states in which the prefect decides: after the commission's opinion, or once complete when the
    opinion is not required (dated setting)."""
    states = [ApplicationState.REVIEWED]
    if not commission_opinion_required(today):
        states.append(ApplicationState.COMPLETE)
    return states


def applications_to_decide(departement: Departement, today: date) -> QuerySet[AgrementApplication]:
    return AgrementApplication.objects.filter(
        departement=departement, state__in=decidable_states(today)
    ).order_by("pk")


def agrements_expiring(agrements: QuerySet[Agrement], today: date) -> QuerySet[Agrement]:
    """Agréments in force expiring within EXPIRY_WARNING_MONTHS whose association has nothing under way: no
    later agrément, no application open. The one to expire first first."""
    horizon = rules.add_months(today, rules.EXPIRY_WARNING_MONTHS)
    later = Agrement.objects.filter(
        organisation=OuterRef("organisation"), valid_from__gt=OuterRef("valid_until"), withdrawn_on=None
    )
    renewing = AgrementApplication.objects.open().filter(organisation=OuterRef("organisation"))
    return (
        agrements.valid_on(today)
        .filter(valid_until__lte=horizon)
        .filter(~Exists(later), ~Exists(renewing))
        .order_by("valid_until", "pk")
    )


# The board's kinds of items that the list of associations shows in full: key → label of the list's filter.
TO_HANDLE = {
    "a-verifier": "Demandes à vérifier (complétude)",
    "delais": "Délais légaux qui arrivent à échéance (complétude, agrément tacite)",
    "avis-commission": "Demandes en attente de l'avis de la commission",
    "a-decider": "Demandes en attente de décision",
    "expirant": f"Agréments expirant dans les {rules.EXPIRY_WARNING_MONTHS} mois, sans renouvellement engagé",
}


def associations_to_handle(departement: Departement, key: str, today: date) -> QuerySet[Organisation]:
    """The associations behind one kind of board item (`key` in TO_HANDLE), for the list of associations."""
    scope = associations_of(departement)
    if key == "a-verifier":
        applications = applications_to_check(departement)
    elif key == "delais":
        declared, deemed = tacit_clocks(departement, today)
        applications = AgrementApplication.objects.filter(
            Q(pk__in=completeness_clocks(departement, today).values("pk"))
            | Q(pk__in=declared.values("pk"))
            | Q(pk__in=deemed.values("pk"))
        )
    elif key == "avis-commission":
        applications = applications_awaiting_opinion(departement)
    elif key == "a-decider":
        applications = applications_to_decide(departement, today)
    elif key == "expirant":
        expiring = agrements_expiring(Agrement.objects.filter(organisation__departement=departement), today)
        return scope.filter(pk__in=expiring.values("organisation_id"))
    else:
        return scope
    return scope.filter(pk__in=applications.values("organisation_id"))
