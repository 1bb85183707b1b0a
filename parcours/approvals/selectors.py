"""Scoped reads: the secretariat and the signatory see their département, an association its own files."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from parcours.core import audit, dates
from parcours.core.access import Actor
from parcours.core.models import Departement, Organisation, OrganisationKind
from parcours.core.roles import Role

from . import rules
from .models import (
    Agrement,
    AgrementApplication,
    AgrementStatus,
    ApplicationState,
    ListedDepartement,
)
from .settings_store import commission_opinion_required

# --- The one answer to « does this association hold a valid agrément in this département? » ---------------
# An agrément is granted by the prefect of the association's seat and is valid in each département its
# application listed (R. 121-12-3 CASF). In Parcours an organisation belongs to one département: the
# association acts at its seat through the organisation that applied, and in another listed département
# through its establishment there (ListedDepartement.establishment, named by that département's secretariat).
# Pathways (submission), referrals, the directory, the board and the statistics all read these functions.


def agrements_in_force_for(organisation: Organisation, day: date) -> QuerySet[Agrement]:
    """The agréments under which `organisation` acts in its own département on `day`: its own (it is the
    seat), or one granted at another seat whose application lists this département with it as the
    establishment there."""
    return (
        Agrement.objects.valid_on(day)
        .filter(
            Q(organisation=organisation)
            | Q(
                listed_departements__establishment=organisation,
                listed_departements__departement_id=organisation.departement_id,
            )
        )
        .distinct()
    )


def agrement_in_force(organisation: Organisation, day: date) -> Agrement | None:
    """The agrément in force for `organisation` on `day` (the latest started), or None."""
    return agrements_in_force_for(organisation, day).order_by("-valid_from", "pk").first()


def has_valid_agrement(organisation: Organisation, day: date) -> bool:
    return agrements_in_force_for(organisation, day).exists()


def listed_in_force(day: date) -> QuerySet[ListedDepartement]:
    """The other départements where a granted agrément is valid on `day` (its seat's not included)."""
    return ListedDepartement.objects.valid_on(day)


def acting_associations(departements, day: date) -> QuerySet[Organisation]:
    """The active associations of `departements` (one or an iterable) that may carry out PSPs there on `day`:
    approved at their seat, or the establishment there of an association approved elsewhere for it."""
    ids = [departements.pk] if isinstance(departements, Departement) else [d.pk for d in departements]
    seat = Agrement.objects.valid_on(day).filter(organisation__departement__in=ids).values("organisation_id")
    listed = (
        listed_in_force(day)
        .filter(departement__in=ids, establishment__isnull=False)
        .values("establishment_id")
    )
    return Organisation.objects.filter(
        departement__in=ids, kind=OrganisationKind.ASSOCIATION, active=True
    ).filter(Q(pk__in=seat) | Q(pk__in=listed))


def approved_in(departement: Departement, day: date) -> list[tuple[Organisation, Agrement]]:
    """Every association approved in `departement` on `day`, once, with the agrément that covers it there
    (the latest started): those whose seat is here, and those of another seat whose agrément lists it, shown
    through their establishment here when named, else through their seat. By name."""
    found: dict[int, tuple[Organisation, Agrement]] = {}
    seat = (
        Agrement.objects.valid_on(day)
        .filter(organisation__departement=departement, organisation__active=True)
        .select_related("organisation")
        .order_by("-valid_from")
    )
    for agrement in seat:
        found.setdefault(agrement.organisation_id, (agrement.organisation, agrement))
    listed = (
        listed_in_force(day)
        .filter(departement=departement)
        .select_related("agrement__organisation", "establishment")
        .order_by("-agrement__valid_from")
    )
    for row in listed:
        shown = (
            row.establishment if row.establishment and row.establishment.active else row.agrement.organisation
        )
        if shown.active:
            found.setdefault(shown.pk, (shown, row.agrement))
    return sorted(found.values(), key=lambda pair: (pair[0].name.casefold(), pair[0].pk))


def applications_visible_to(actor: Actor | None) -> QuerySet[AgrementApplication]:
    qs = AgrementApplication.objects.select_related("organisation", "agrement", "previous", "departement")
    if actor is None:
        return qs.none()
    if actor.role in (Role.SECRETARIAT, Role.SIGNATORY):
        # A draft is the association's work in progress: the prefecture sees the file once it is sent. The
        # other départements named in a file see it too (no person is in it), to give their opinion.
        listed = ListedDepartement.objects.filter(departement=actor.departement).values("application_id")
        return qs.filter(Q(departement=actor.departement) | Q(pk__in=listed)).exclude(
            state=ApplicationState.DRAFT
        )
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


def agrements_of(organisation: Organisation) -> QuerySet[Agrement]:
    """Every agrément the organisation held: its own, and those naming it as an establishment elsewhere."""
    return Agrement.objects.filter(
        Q(organisation=organisation)
        | Q(
            listed_departements__establishment=organisation,
            listed_departements__departement_id=organisation.departement_id,
        )
    ).distinct()


def latest_agrement(organisation: Organisation, day: date) -> Agrement | None:
    """The agrément that speaks for the association on `day`: the one in force, else the latest one."""
    agrements = list(agrements_of(organisation).order_by("-valid_from"))
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


def opinions_asked(departement: Departement) -> QuerySet[ListedDepartement]:
    """Files of another seat naming `departement` whose opinion this secretariat has not given, while they are
    undecided: the first due first."""
    return (
        ListedDepartement.objects.filter(departement=departement, opinion="", application__decided_on=None)
        .filter(application__state__in=_INSTRUCTED)
        .select_related("application__organisation", "application__departement")
        .order_by("due_on", "pk")
    )


_INSTRUCTED = (
    ApplicationState.SUBMITTED,
    ApplicationState.INCOMPLETE,
    ApplicationState.COMPLETE,
    ApplicationState.AWAITING_OPINION,
    ApplicationState.REVIEWED,
)


def applications_to_decide(departement: Departement, today: date) -> QuerySet[AgrementApplication]:
    """Files ready for the decision: none of the other départements' opinions still awaited in its delay."""
    waiting = ListedDepartement.objects.filter(application=OuterRef("pk"), opinion="", due_on__gte=today)
    return (
        AgrementApplication.objects.filter(departement=departement, state__in=decidable_states(today))
        .filter(~Exists(waiting))
        .order_by("pk")
    )


def agrements_expiring(agrements: QuerySet[Agrement], today: date) -> QuerySet[Agrement]:
    """Agréments in force expiring within EXPIRY_WARNING_MONTHS whose association has nothing under way: no
    later agrément, no application open. The one to expire first first."""
    horizon = dates.add_months(today, rules.EXPIRY_WARNING_MONTHS)
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
