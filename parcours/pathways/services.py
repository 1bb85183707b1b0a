"""Every write of the PSP workflow. Each service checks the actor's right, runs the state machine,
records the transition on the timeline and writes an audit event, in one transaction."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed, can_proceed

from parcours.approvals import selectors as agrements
from parcours.approvals.selectors import has_valid_agrement
from parcours.core import audit, dates
from parcours.core.access import Actor
from parcours.core.policies import can
from parcours.core.uploads import validate_upload
from parcours.people import rules as people_rules
from parcours.people.models import ConsentPurpose, Person
from parcours.people.services import has_active_consent, identity_unavailable

from . import rules
from .models import (
    Afis,
    AfisChildrenChange,
    AfisSuspension,
    Decision,
    DocumentKind,
    EndReason,
    EndReport,
    Notice,
    Opinion,
    Pathway,
    PathwayEvent,
    PathwayState,
    Period,
    PlanObjective,
    Request,
    RequestDocument,
    RequestKind,
    RequestState,
    ResidencePermit,
    RightKind,
    RightStep,
    Transfer,
)
from .selectors import months_used_by_person
from .settings_store import afis_overrides, current_afis_amount

# Documents a request needs before the association may send it (Annexe 6 of the circulaire of
# 31 January 2017; R. 121-12-12 CASF for the joint follow-up document).
REQUIRED_DOCUMENTS_INITIAL = (
    DocumentKind.IDENTITY,
    DocumentKind.SITUATION,
    DocumentKind.AGREMENT,
    DocumentKind.SWORN_STATEMENT,
    DocumentKind.FOLLOW_UP,
)
REQUIRED_DOCUMENTS_RENEWAL = (DocumentKind.FOLLOW_UP,)


def _require(actor: Actor, permission: str) -> None:
    if not can(actor, permission):
        raise PermissionDenied


def _log(
    actor: Actor,
    pathway: Pathway,
    name: str,
    label: str,
    *,
    request=None,
    from_state="",
    to_state="",
    motive="",
):
    PathwayEvent.objects.create(
        pathway=pathway,
        request=request,
        at=timezone.now(),
        name=name,
        label=label,
        from_state=from_state,
        to_state=to_state,
        user=actor.user,
        role=actor.role,
        organisation=actor.organisation,
        motive=motive,
    )
    audit.record(actor, "transition", request or pathway, detail=name)


def _transition(
    actor: Actor, obj, method: str, label: str, *, pathway: Pathway, request=None, motive="", **kwargs
):
    bound = getattr(obj, method)
    if not can_proceed(bound):
        raise ValidationError(
            f"Action impossible : « {label} » n'est pas permis "
            f"quand l'état est « {obj.get_state_display()} »."
        )
    before = obj.state
    try:
        bound(**kwargs)
    except TransitionNotAllowed as exc:  # a guard refused
        raise ValidationError(f"Action impossible : « {label} ».") from exc
    obj.save()
    _log(actor, pathway, method, label, request=request, from_state=before, to_state=obj.state, motive=motive)


def _own_association(actor: Actor, pathway: Pathway) -> None:
    if not (actor.is_association and pathway.association_id == actor.organisation.pk):
        raise PermissionDenied


# --- Association: building the request ---


def agrement_in_force(organisation, day: date | None = None):
    """The association's agrément in force on `day` (today by default) from the register, or None: its own, or
    the one granted at its seat and valid in this département (approvals.selectors, R. 121-12-3 CASF)."""
    return agrements.agrement_in_force(organisation, day or timezone.localdate())


@transaction.atomic
def start_pathway(*, actor: Actor, person: Person) -> Pathway:
    _require(actor, "requests.edit")
    if person.organisation_id != actor.organisation.pk:
        raise PermissionDenied
    if person.pathways.open().exists():
        raise ValidationError("Cette personne a déjà un parcours de sortie en cours ou en demande.")
    if dates.age_on(person.birth_date, timezone.localdate()) < people_rules.AGE_OF_MAJORITY:
        raise ValidationError(people_rules.MINOR_REFUSED)
    pathway = Pathway.objects.create(
        departement=person.departement, person=person, association=actor.organisation, created_by=actor.user
    )
    request = Request.objects.create(
        pathway=pathway,
        departement_id=pathway.departement_id,
        kind=RequestKind.INITIAL,
        agrement=agrement_in_force(actor.organisation),
    )
    _log(actor, pathway, "start", "Demande d'engagement commencée", request=request, to_state=request.state)
    return pathway


@transaction.atomic
def update_request(*, actor: Actor, request: Request, form) -> Request:
    _require(actor, "requests.edit")
    _own_association(actor, request.pathway)
    if not request.is_editable:
        raise ValidationError("La demande a été transmise : elle ne peut plus être modifiée.")
    form.save()
    audit.record(actor, "update", request, detail="contenu de la demande")
    return request


@transaction.atomic
def add_objective(*, actor: Actor, request: Request, objective: PlanObjective) -> PlanObjective:
    _require(actor, "requests.edit")
    _own_association(actor, request.pathway)
    if not request.is_editable:
        raise ValidationError("La demande a été transmise : elle ne peut plus être modifiée.")
    objective.request = request
    objective.save()
    audit.record(actor, "update", request, detail="objectif ajouté")
    return objective


@transaction.atomic
def update_objective(*, actor: Actor, objective: PlanObjective) -> PlanObjective:
    """Save an objective edited by the association (e.g. one carried over from the previous plan)."""
    _require(actor, "requests.edit")
    _own_association(actor, objective.request.pathway)
    if not objective.request.is_editable:
        raise ValidationError("La demande a été transmise : elle ne peut plus être modifiée.")
    objective.save()
    audit.record(actor, "update", objective.request, detail="objectif modifié")
    return objective


@transaction.atomic
def remove_objective(*, actor: Actor, objective: PlanObjective) -> None:
    _require(actor, "requests.edit")
    _own_association(actor, objective.request.pathway)
    if not objective.request.is_editable:
        raise ValidationError("La demande a été transmise : elle ne peut plus être modifiée.")
    audit.record(actor, "update", objective.request, detail="objectif retiré")
    objective.delete()


@transaction.atomic
def add_document(*, actor: Actor, request: Request, kind: str, uploaded) -> RequestDocument:
    _require(actor, "requests.edit")
    _own_association(actor, request.pathway)
    if not request.is_editable:
        raise ValidationError("La demande a été transmise : aucune pièce ne peut plus être ajoutée.")
    checked = validate_upload(uploaded)  # the bytes to store: a re-encoded image, or the PDF as sent
    document = RequestDocument(
        request=request,
        kind=kind,
        original_name=uploaded.name[:200],
        content_type=checked.content_type,
        size=len(checked.content),
        sha256=hashlib.sha256(checked.content).hexdigest(),
        uploaded_by=actor.user,
    )
    document.file.save("upload", ContentFile(checked.content), save=False)
    document.save()
    audit.record(actor, "create", document, detail=f"pièce {kind}")
    return document


@transaction.atomic
def remove_document(*, actor: Actor, document: RequestDocument) -> None:
    _require(actor, "requests.edit")
    _own_association(actor, document.request.pathway)
    if not document.request.is_editable:
        raise ValidationError("La demande a été transmise : ses pièces ne peuvent plus être retirées.")
    audit.record(actor, "update", document.request, detail="pièce retirée")
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))


class Missing(str):
    """One line of the submission checklist; `url` is the page where the missing element is recorded."""

    url = ""

    def __new__(cls, text: str, url: str = ""):
        line = super().__new__(cls, text)
        line.url = url
        return line


def missing_for_submission(request: Request, today: date | None = None) -> list[str]:
    """Everything that makes `submit_request` refuse the request (French, one line each): the association's
    agrément, the person's consent, the documents and the fields. The page's checklist and the submission
    use this one function, so « La demande est complète » never shows while the submission is refused."""
    from django.urls import reverse

    today = today or timezone.localdate()
    pathway = request.pathway
    missing: list[str] = []
    if not has_valid_agrement(pathway.association, today):
        missing.append(
            Missing(
                "Votre association ne détient pas d'agrément valide à ce jour : "
                "elle ne peut pas transmettre de demande de parcours de sortie "
                "(art. L. 121-9 et R. 121-12-2 CASF)."
            )
        )
    if not has_active_consent(pathway.person, ConsentPurpose.PSP_REQUEST):
        missing.append(
            Missing(
                "Le consentement de la personne à la demande de parcours de sortie n'est pas recueilli "
                "(ou a été retiré).",
                reverse("people:detail", args=[pathway.person.public_id]) + "#consentements",
            )
        )
    required = (
        REQUIRED_DOCUMENTS_INITIAL if request.kind == RequestKind.INITIAL else REQUIRED_DOCUMENTS_RENEWAL
    )
    present = set(request.documents.values_list("kind", flat=True))
    if request.agrement_id or agrement_in_force(request.pathway.association):
        present.add(DocumentKind.AGREMENT)  # attached from the register: nothing to upload
    if identity_unavailable(pathway.person) is not None:
        # No one is kept out by paperwork: an identity document recorded as unavailable (held by a third
        # party, lost, stolen), with its motive, stands for the copy (the substitute, if any, may be
        # uploaded).
        present.add(DocumentKind.IDENTITY)
    labels = dict(DocumentKind.choices)
    missing += [f"Pièce manquante : {labels[k]}" for k in required if k not in present]
    if not request.objectives.exists():
        missing.append("Le projet d'accompagnement ne contient aucun objectif.")
    if not request.rights_requested:
        missing.append("Aucun droit demandé n'est indiqué.")
    if not request.person_commitment or not request.commitment_date:
        missing.append("L'engagement de la personne (et sa date) n'est pas enregistré.")
    if request.kind == RequestKind.INITIAL and not request.prostitution_stopped:
        missing.append("L'attestation d'arrêt de l'activité prostitutionnelle n'est pas cochée.")
    if not request.association_opinion.strip():
        missing.append("L'avis motivé de l'association est vide.")
    if request.kind == RequestKind.RENEWAL and not request.actions_carried_out.strip():
        missing.append("Le bilan des actions menées et des engagements tenus est vide.")
    return missing


@transaction.atomic
def submit_request(*, actor: Actor, request: Request, today: date | None = None) -> Request:
    _require(actor, "requests.submit")
    _own_association(actor, request.pathway)
    today = today or timezone.localdate()
    missing = missing_for_submission(request, today)
    if missing:
        raise ValidationError([str(line) for line in missing])
    resubmission = request.state == RequestState.INCOMPLETE
    # The agrément in force on the day the request is sent, from the register.
    request.agrement = agrement_in_force(actor.organisation, today)
    _transition(
        actor,
        request,
        "submit",
        "Demande complétée et transmise" if resubmission else "Demande transmise au secrétariat",
        pathway=request.pathway,
        request=request,
        day=today,
    )
    return request


# --- Secretariat: instruction, opinion, decision ---


@transaction.atomic
def return_incomplete(*, actor: Actor, request: Request, missing: list[str], comment: str = "") -> Request:
    _require(actor, "requests.check")
    if not missing:
        raise ValidationError({"missing": "Indiquez au moins une pièce ou information manquante."})
    _transition(
        actor,
        request,
        "return_incomplete",
        "Demande renvoyée à l'association pour complément",
        pathway=request.pathway,
        request=request,
        motive=" ; ".join(x for x in [*missing, comment.strip()] if x),
        missing=missing,
        comment=comment,
    )
    return request


@transaction.atomic
def mark_ready(*, actor: Actor, request: Request) -> Request:
    _require(actor, "requests.check")
    _transition(
        actor,
        request,
        "mark_ready",
        "Demande complète, prête pour la commission",
        pathway=request.pathway,
        request=request,
    )
    return request


@transaction.atomic
def record_opinion(*, actor: Actor, request: Request, opinion: str, day: date, motive: str) -> Request:
    _require(actor, "requests.opinion")
    if request.submitted_on and day < request.submitted_on:
        raise ValidationError({"day": "L'avis ne peut pas précéder la transmission de la demande."})
    if day > timezone.localdate():
        raise ValidationError({"day": "La date de l'avis ne peut pas être dans le futur."})
    if not motive.strip():
        raise ValidationError({"motive": "Le motif de l'avis est obligatoire."})
    request.opinion, request.opinion_date, request.opinion_motive = opinion, day, motive
    method = "postpone" if opinion == Opinion.POSTPONED else "give_opinion"
    label = f"Avis de la commission : {Opinion(opinion).label.lower()}"
    _transition(actor, request, method, label, pathway=request.pathway, request=request, motive=motive)
    return request


def _periods(pathway: Pathway) -> list[tuple[date, date]]:
    """The pathway's periods in order (from the page's prefetch when it has one: no second query)."""
    return [(p.start, p.end) for p in sorted(pathway.periods.all(), key=lambda p: p.number)]


def proposed_period(
    request: Request, decision_date: date, period_start: date | None = None
) -> tuple[date, date] | None:
    """The period an authorisation decided on `decision_date` would open; None past the cap."""
    try:
        return rules.next_period(
            _periods(request.pathway), decision_date, period_start, months_used_by_person(request.pathway)
        )
    except rules.RuleError:
        return None


@transaction.atomic
def record_decision(
    *,
    actor: Actor,
    request: Request,
    decision: str,
    day: date,
    reference: str = "",
    period_start: date | None = None,
    motive: str = "",
) -> Request:
    """The prefect's decision. An authorisation opens the next period (rules.next_period: no overlap, cap)."""
    _require(actor, "requests.decide")
    if request.state != RequestState.REVIEWED:
        raise ValidationError(
            "La décision ne peut être enregistrée qu'après un avis favorable ou défavorable de la commission."
        )
    if request.opinion_date and day < request.opinion_date:
        raise ValidationError({"day": "La décision ne peut pas précéder l'avis de la commission."})
    if day > timezone.localdate():
        raise ValidationError({"day": "La date de la décision ne peut pas être dans le futur."})
    pathway = request.pathway
    request.decision, request.decision_date, request.decision_reference = decision, day, reference.strip()
    if decision == Decision.AUTHORISED:
        try:
            start, end = rules.next_period(
                _periods(pathway), day, period_start, months_used_by_person(pathway)
            )
        except rules.RuleError as exc:
            raise ValidationError({"period_start": str(exc)}) from exc
        _transition(
            actor,
            request,
            "authorise",
            "Décision du préfet : autorisation",
            pathway=pathway,
            request=request,
            motive=motive,
        )
        number = pathway.periods.count() + 1
        period = Period.objects.create(pathway=pathway, request=request, number=number, start=start, end=end)
        _log(
            actor,
            pathway,
            "period",
            f"Période {number} ouverte du {start:%d/%m/%Y} au {end:%d/%m/%Y}",
            request=request,
        )
        if pathway.state == PathwayState.IN_INSTRUCTION:
            _transition(actor, pathway, "authorise", "Parcours autorisé", pathway=pathway)
        _open_rights(actor, request, period)
        afis = Afis.objects.filter(
            pathway=pathway, status__in=[Afis.Status.GRANTED, Afis.Status.SUSPENDED]
        ).first()
        if afis is not None and (afis.end is None or afis.end < period.end):
            afis.end = period.end
            afis.save(update_fields=["end", "updated_at"])
            _log(
                actor,
                pathway,
                "afis_extended",
                f"AFIS prolongée jusqu'au {period.end:%d/%m/%Y} avec la nouvelle période",
            )
            notify_payer(actor=actor, afis=afis, event=Notice.Event.RENEWAL, effective_on=period.start)
    else:
        _transition(
            actor,
            request,
            "refuse",
            "Décision du préfet : refus",
            pathway=pathway,
            request=request,
            motive=motive,
        )
        if pathway.state == PathwayState.IN_INSTRUCTION:
            _transition(actor, pathway, "refuse", "Parcours refusé", pathway=pathway, motive=motive)
    return request


# The register of the prefect's decisions lives in the commission app (ADR 0014). It registers here, from its
# AppConfig.ready, the function that records a decision taken outside Parcours, so the pathway page's form
# goes through the one register (number, act, letters) without pathways importing commission.
_outside_decision_recorder = None


def register_outside_decision_recorder(recorder) -> None:
    global _outside_decision_recorder  # noqa: PLW0603 (set once at start-up)
    _outside_decision_recorder = recorder


def record_prefect_decision(*, actor: Actor, request: Request, **fields):
    """A decision taken outside Parcours, recorded in the register of decisions (see the commission app)."""
    if _outside_decision_recorder is None:
        raise ValidationError("Le registre des décisions n'est pas disponible.")
    return _outside_decision_recorder(actor=actor, request=request, **fields)


def _open_rights(actor: Actor, request: Request, period: Period) -> None:
    """Create the tracking of the rights the request asked for, on the first authorisation."""
    pathway = request.pathway
    asked = set(request.rights_requested)
    if RightKind.AFIS in asked and not hasattr(pathway, "afis"):
        Afis.objects.create(
            pathway=pathway,
            requested_on=request.submitted_on or period.start,
            dependent_children=pathway.person.children,
        )
    if (
        RightKind.RESIDENCE_PERMIT in asked
        and pathway.person.is_foreign_national
        and not hasattr(pathway, "residence_permit")
    ):
        ResidencePermit.objects.create(pathway=pathway, requested_on=period.start)
    domains = {
        RightKind.HOUSING: "housing",
        RightKind.HEALTH: "health",
        RightKind.TRAINING: "training",
        RightKind.EMPLOYMENT: "employment",
    }
    for right, domain in domains.items():
        if right in asked and not pathway.right_steps.filter(domain=domain).exists():
            RightStep.objects.create(
                pathway=pathway,
                domain=domain,
                description=f"{RightKind(right).label} : démarche à engager",
                started_on=period.start,
            )


# --- Renewal and end ---


def _has_open_request(pathway: Pathway) -> bool:
    # The pathway's page has read its requests already and noted the open one (`_open_request`, None when
    # none is): no second query.
    if hasattr(pathway, "_open_request"):
        return pathway._open_request is not None
    return pathway.requests.open().exists()


def renewal_blocker(pathway: Pathway) -> str | None:
    """Why a renewal cannot be started now, in French; None if it can."""
    if pathway.state != PathwayState.ACTIVE:
        return "Seul un parcours autorisé et en cours peut être renouvelé."
    if _has_open_request(pathway):
        return "Une demande est déjà en cours pour ce parcours."
    carried = months_used_by_person(pathway)
    if not rules.can_renew(_periods(pathway), carried):
        already = f", dont {carried} mois dans un parcours antérieur" if carried else ""
        return (
            f"Le parcours a atteint la durée maximale de {rules.MAX_PATHWAY_MONTHS} mois{already} : "
            "il ne peut plus être renouvelé."
        )
    return None


@transaction.atomic
def start_renewal(*, actor: Actor, pathway: Pathway) -> Request:
    _require(actor, "requests.edit")
    _own_association(actor, pathway)
    blocker = renewal_blocker(pathway)
    if blocker:
        raise ValidationError(blocker)
    previous = pathway.requests.filter(state=RequestState.AUTHORISED).order_by("-decision_date").first()
    request = Request.objects.create(
        pathway=pathway,
        departement_id=pathway.departement_id,
        kind=RequestKind.RENEWAL,
        rights_requested=previous.rights_requested if previous else [],
        agrement=agrement_in_force(pathway.association),
    )
    if previous is not None:
        # No retyping: the renewal starts from the previous plan's objectives, which the association then
        # edits (a target date already past is left blank, to be set again).
        today = timezone.localdate()
        PlanObjective.objects.bulk_create(
            PlanObjective(
                request=request,
                domain=o.domain,
                objective=o.objective,
                actions=o.actions,
                target_date=o.target_date if o.target_date and o.target_date >= today else None,
            )
            for o in previous.objectives.all()
        )
    _log(
        actor,
        pathway,
        "start_renewal",
        "Demande de renouvellement commencée",
        request=request,
        to_state=request.state,
    )
    return request


# Before the prefect's decision, a request is closed (and its pathway with it) only for these reasons: the
# other end reasons (completed, ended by the prefect, not renewed) presuppose an authorised pathway.
REQUEST_CLOSING_REASONS = ("withdrawn", "contact_lost")


def check_end(pathway: Pathway, *, reason: str, day: date, outcome: str = "") -> None:
    """What makes ending a pathway impossible, checked before the confirmation is asked and again when done.
    Only an authorised pathway is « terminé »; before the decision, the request is only closed, when the
    person withdraws or contact is lost (`REQUEST_CLOSING_REASONS`)."""
    from .models import EndReason

    if pathway.state == PathwayState.IN_INSTRUCTION:
        if reason not in REQUEST_CLOSING_REASONS:
            raise ValidationError(
                "Seul un parcours autorisé peut être terminé : cette demande n'est pas encore autorisée. "
                "Avant la décision, seuls le retrait de la personne ou la perte de contact "
                "closent la demande."
            )
    elif pathway.state != PathwayState.ACTIVE:
        raise ValidationError(
            "Seul un parcours autorisé peut être terminé : celui-ci est « "
            f"{pathway.get_state_display().lower()} »."
        )
    if reason == EndReason.COMPLETED and not outcome:
        raise ValidationError({"outcome": "Indiquez la situation de la personne à la sortie du parcours."})
    first = pathway.periods.order_by("start").first()
    if first and day < first.start:
        raise ValidationError({"day": "La fin ne peut pas précéder le début du parcours."})
    if day > timezone.localdate():
        raise ValidationError({"day": "La date de fin ne peut pas être dans le futur."})


@transaction.atomic
def end_pathway(
    *, actor: Actor, pathway: Pathway, reason: str, day: date, outcome: str = "", motive: str = ""
) -> Pathway:
    """The secretariat records an end that is a fact (completed, withdrawn, contact lost, not renewed). An end
    decided by the prefect is a decision of the register (commission.services.draft_end_decision)."""
    _require(actor, "pathways.end")
    from .models import EndReason

    if reason == EndReason.ENDED_BY_PREFECT:
        raise ValidationError(
            {
                "reason": "Une fin décidée par le préfet est une décision : préparez-la pour la signature "
                "(ou enregistrez l'acte signé hors Parcours) depuis la page du parcours."
            }
        )
    return _end(actor, pathway, reason=reason, day=day, outcome=outcome, motive=motive)


@transaction.atomic
def end_by_decision(*, actor: Actor, pathway: Pathway, day: date, reference: str, motive: str) -> Pathway:
    """The prefect's signed decision ends the pathway (called by the register, commission.services._register):
    periods close on that day; the AFIS is still due for the decision's month and stops from the next one."""
    _require(actor, "requests.decide")
    from .models import EndReason

    _end(
        actor,
        pathway,
        reason=EndReason.ENDED_BY_PREFECT,
        day=day,
        motive=motive,
        afis_until=dates.first_day_of_next_month(day) - timedelta(days=1),
        reference=reference,
    )
    return pathway


def _end(
    actor: Actor,
    pathway: Pathway,
    *,
    reason: str,
    day: date,
    outcome: str = "",
    motive: str = "",
    afis_until: date | None = None,
    reference: str = "",
    transfer_host: str = "",
) -> Pathway:
    from .models import EndReason

    check_end(pathway, reason=reason, day=day, outcome=outcome)
    if reason != EndReason.COMPLETED:
        outcome = ""
    for request in pathway.requests.open():
        _transition(
            actor, request, "abandon", "Demande close à la fin du parcours", pathway=pathway, request=request
        )
    label = f"Fin du parcours : {EndReason(reason).label.lower()}"
    _transition(
        actor,
        pathway,
        "end",
        f"{label} (décision n° {reference})" if reference else label,
        pathway=pathway,
        motive=motive,
        reason=reason,
        outcome=outcome,
        day=day,
    )
    _close_periods_and_rights(actor, pathway, day, afis_until=afis_until, transfer_host=transfer_host)
    return pathway


@transaction.atomic
def report_end(
    *, actor: Actor, pathway: Pathway, reason: str, day: date, outcome: str = "", motive: str = ""
) -> EndReport:
    """The association reports the end of one of its pathways: a board item for the secretariat, which
    confirms or refuses it. Nothing ends until then."""
    _require(actor, "pathways.report_end")
    _own_association(actor, pathway)
    if pathway.state not in (PathwayState.IN_INSTRUCTION, PathwayState.ACTIVE):
        raise ValidationError("Ce parcours est déjà clos.")
    if pathway.end_reports.filter(state=EndReport.State.PENDING).exists():
        raise ValidationError(
            "Une fin de parcours est déjà signalée et attend la confirmation du secrétariat."
        )
    if reason not in EndReason.values:
        raise ValidationError({"reason": "Choisissez le motif de fin."})
    if reason == EndReason.ENDED_BY_PREFECT:
        raise ValidationError(
            {"reason": "Une fin décidée par le préfet n'est pas signalée par l'association."}
        )
    # The same rule as the secretariat's end: before the decision, only a withdrawal or a lost contact closes
    # the request; the secretariat's confirmation would otherwise be refused.
    check_end(pathway, reason=reason, day=day, outcome=outcome)
    if reason != EndReason.COMPLETED:
        outcome = ""
    report = EndReport.objects.create(
        pathway=pathway, reason=reason, outcome=outcome, day=day, motive=motive, reported_by=actor.user
    )
    _log(
        actor,
        pathway,
        "end_reported",
        f"Fin du parcours signalée par l'association : {EndReason(reason).label.lower()} "
        f"au {day:%d/%m/%Y}, à confirmer par le secrétariat",
        motive=motive,
    )
    return report


def _pending_report(pathway: Pathway, report_id) -> EndReport:
    report = pathway.end_reports.select_for_update().filter(public_id=report_id).first()
    if report is None or report.state != EndReport.State.PENDING:
        raise ValidationError("Ce signalement n'attend plus de confirmation.")
    return report


@transaction.atomic
def confirm_end_report(*, actor: Actor, pathway: Pathway, report_id) -> Pathway:
    """The secretariat confirms the reported end: the pathway ends with the reported facts."""
    _require(actor, "pathways.confirm_end")
    report = _pending_report(pathway, report_id)
    end_pathway(
        actor=actor,
        pathway=pathway,
        reason=report.reason,
        day=report.day,
        outcome=report.outcome,
        motive=report.motive,
    )
    report.state, report.decided_by, report.decided_at = EndReport.State.CONFIRMED, actor.user, timezone.now()
    report.save(update_fields=["state", "decided_by", "decided_at", "updated_at"])
    _log(
        actor, pathway, "end_report_confirmed", "Fin signalée par l'association confirmée par le secrétariat"
    )
    return pathway


@transaction.atomic
def refuse_end_report(*, actor: Actor, pathway: Pathway, report_id, motive: str) -> EndReport:
    """The secretariat refuses the reported end, saying why; the pathway goes on."""
    _require(actor, "pathways.confirm_end")
    if not motive.strip():
        raise ValidationError({"motive": "Indiquez le motif du refus : l'association le lira."})
    report = _pending_report(pathway, report_id)
    report.state, report.decided_by, report.decided_at = EndReport.State.REFUSED, actor.user, timezone.now()
    report.refusal_motive = motive.strip()
    report.save(update_fields=["state", "decided_by", "decided_at", "refusal_motive", "updated_at"])
    _log(
        actor,
        pathway,
        "end_report_refused",
        "Fin signalée par l'association refusée par le secrétariat",
        motive=motive.strip(),
    )
    return report


def _close_periods_and_rights(
    actor: Actor, pathway: Pathway, day: date, afis_until: date | None = None, transfer_host: str = ""
) -> None:
    """The authorisation ends with the pathway: later periods are cancelled, the running one is cut,
    and the AFIS stops on the same day (or on `afis_until`, after a decision of the prefect)."""
    for period in pathway.periods.filter(end__gt=day).order_by("number"):
        if period.start > day:
            _log(
                actor,
                pathway,
                "period_cancelled",
                f"Période {period.number} annulée : le parcours a pris fin avant son début",
            )
            period.delete()
        else:
            period.end = day
            period.save(update_fields=["end", "updated_at"])
            _log(
                actor,
                pathway,
                "period_closed",
                f"Période {period.number} close le {day:%d/%m/%Y} avec le parcours",
            )
    afis = Afis.objects.filter(
        pathway=pathway, status__in=[Afis.Status.GRANTED, Afis.Status.SUSPENDED]
    ).first()
    if afis is not None:
        last = afis_until or day
        afis.status, afis.end = Afis.Status.STOPPED, max(last, afis.start) if afis.start else last
        afis.save(update_fields=["status", "end", "updated_at"])
        _log(
            actor,
            pathway,
            "afis_stopped",
            f"AFIS arrêtée avec la fin du parcours (versée jusqu'au {afis.end:%d/%m/%Y})",
        )
        transferred = pathway.end_reason == EndReason.TRANSFERRED
        notify_payer(
            actor=actor,
            afis=afis,
            event=Notice.Event.TRANSFER if transferred else Notice.Event.END,
            effective_on=afis.end,
            host_departement=transfer_host if transferred else "",
        )


# --- Rights ---


def afis_warnings(afis: Afis, day: date | None = None) -> list[str]:
    """The AFIS conditions that look unmet (rules.afis_eligibility_warnings): shown, never blocking."""
    person = afis.pathway.person
    day = day or afis.start or timezone.localdate()
    permit = (
        getattr(afis.pathway, "residence_permit", None) if hasattr(afis.pathway, "residence_permit") else None
    )
    return rules.afis_eligibility_warnings(
        age=dates.age_on(person.birth_date, day),
        administrative_status=person.administrative_status,
        has_work_permit_document=permit is not None and permit.status == ResidencePermit.Status.ISSUED,
        resources_below_rsa=afis.resources_below_rsa,
        rsa_entitled=afis.rsa_entitled,
        ada_entitled=afis.ada_entitled,
    )


@transaction.atomic
def grant_afis(
    *,
    actor: Actor,
    afis: Afis,
    granted_on: date,
    start: date,
    paying_body: str,
    dependent_children: int,
    resources_below_rsa: bool | None = None,
    rsa_entitled: bool | None = None,
    ada_entitled: bool | None = None,
) -> Afis:
    """Record the AFIS grant; the monthly amount is computed from the dated scale in force at the start. The
    eligibility conditions that look unmet are recorded on the timeline as warnings (the prefect decides); the
    payer receives its notice."""
    _require(actor, "rights.edit")
    if afis.status != Afis.Status.REQUESTED:
        raise ValidationError("L'AFIS a déjà été traitée : elle ne peut pas être accordée une seconde fois.")
    person = afis.pathway.person
    if dates.age_on(person.birth_date, start) < rules.AFIS_MIN_AGE:
        raise ValidationError(
            {
                "start": f"L'AFIS est réservée aux personnes de plus de {rules.AFIS_MIN_AGE} ans "
                "(art. D. 121-12-14 CASF)."
            }
        )
    period = afis.pathway.periods.order_by("-number").first()
    if period is None or not (afis.pathway.periods.filter(start__lte=start, end__gte=start).exists()):
        raise ValidationError(
            {"start": "Le versement doit commencer pendant une période d'autorisation du parcours."}
        )
    try:
        amount = current_afis_amount(start, dependent_children)
    except rules.RuleError as exc:
        raise ValidationError({"start": str(exc)}) from exc
    afis.status = Afis.Status.GRANTED
    afis.granted_on, afis.start, afis.end = granted_on, start, period.end
    afis.paying_body, afis.dependent_children, afis.monthly_amount = paying_body, dependent_children, amount
    afis.resources_below_rsa, afis.rsa_entitled, afis.ada_entitled = (
        resources_below_rsa,
        rsa_entitled,
        ada_entitled,
    )
    afis.save()
    warnings = afis_warnings(afis, start)
    _log(
        actor,
        afis.pathway,
        "afis_granted",
        f"AFIS accordée : {str(amount).replace('.', ',')} € par mois à partir du {start:%d/%m/%Y}"
        + (f" (conditions à vérifier : {len(warnings)})" if warnings else ""),
        motive=" ".join(warnings),
    )
    notify_payer(actor=actor, afis=afis, event=Notice.Event.GRANT, effective_on=start)
    return afis


@transaction.atomic
def stop_afis(
    *,
    actor: Actor,
    afis: Afis,
    day: date,
    motive: str,
    cause: str = rules.AFIS_STOP_AT_REQUEST,
    notice_given_on: date | None = None,
) -> Afis:
    """Stop the AFIS without the prior adversarial procedure: only at the person's written request, at her
    death, or after a hearing held outside Parcours (its notice date recorded); any other stop is an
    unfavourable decision taken through the procedure (parcours.appeals, `stop_afis_by_decision`)."""
    _require(actor, "rights.edit")
    causes = dict(rules.AFIS_DIRECT_STOP_CAUSES)
    if cause not in causes:
        raise ValidationError(
            {
                "cause": "Arrêter l'AFIS contre la volonté de la personne est une décision défavorable : "
                "engagez la procédure contradictoire (« Arrêter l'AFIS : préavis »)."
            }
        )
    if cause == rules.AFIS_STOP_HEARING_OUTSIDE:
        if notice_given_on is None:
            raise ValidationError({"notice_given_on": "Indiquez la date de remise du préavis à la personne."})
        if notice_given_on > day:
            raise ValidationError({"notice_given_on": "Le préavis précède la décision d'arrêt."})
    if afis.status not in (Afis.Status.GRANTED, Afis.Status.SUSPENDED):
        raise ValidationError("Seule une AFIS accordée peut être arrêtée.")
    if afis.start and day < afis.start:
        raise ValidationError({"day": "L'arrêt ne peut pas précéder le début du versement."})
    afis.status, afis.end = Afis.Status.STOPPED, day
    afis.save()
    label = f"AFIS arrêtée au {day:%d/%m/%Y} ({causes[cause].lower()}"
    label += f", préavis remis le {notice_given_on:%d/%m/%Y})" if notice_given_on else ")"
    _log(actor, afis.pathway, "afis_stopped", label, motive=motive)
    notify_payer(actor=actor, afis=afis, event=Notice.Event.STOP, effective_on=day, detail=motive)
    return afis


@transaction.atomic
def update_permit(*, actor: Actor, permit: ResidencePermit, form) -> ResidencePermit:
    _require(actor, "permits.edit")
    permit = form.save()
    _log(
        actor,
        permit.pathway,
        "permit",
        f"Titre de séjour : {permit.get_status_display().lower()}"
        + (f", expire le {permit.expires_on:%d/%m/%Y}" if permit.expires_on else ""),
    )
    return permit


@transaction.atomic
def save_right_step(*, actor: Actor, pathway: Pathway, form) -> RightStep:
    _require(actor, "rights.edit")
    step = form.save(commit=False)
    step.pathway = pathway
    step.save()
    _log(
        actor, pathway, "right_step", f"Démarche « {step.description} » : {step.get_status_display().lower()}"
    )
    return step


# --- After an appeal (parcours.appeals) ---


@transaction.atomic
def reexamine_refused_request(*, actor: Actor, request: Request, day: date) -> Request:
    """A refusal annulled (or suspended) on appeal: the pathway is in instruction again and a new request,
    a copy of the refused one (its content, objectives and documents, checked complete then), is ready for
    the commission. Called by appeals.services.open_reexamination, which records the appeal's side."""
    _require(actor, "requests.check")
    pathway = request.pathway
    if request.state != RequestState.REFUSED or pathway.state != PathwayState.REFUSED:
        raise ValidationError("Seule une demande refusée, dont le parcours est refusé, peut être réexaminée.")
    if pathway.person.pathways.open().exists():
        raise ValidationError(
            "La personne a depuis un autre parcours en cours ou en demande : le réexamen ne peut pas rouvrir "
            "celui-ci. Réexaminez la situation dans le parcours en cours."
        )
    _transition(
        actor,
        pathway,
        "reopen",
        "Refus annulé sur recours : parcours de nouveau en instruction",
        pathway=pathway,
    )
    again = Request.objects.create(
        pathway=pathway,
        departement_id=pathway.departement_id,
        kind=request.kind,
        state=RequestState.READY,
        rights_requested=list(request.rights_requested),
        association_opinion=request.association_opinion,
        actions_carried_out=request.actions_carried_out,
        person_commitment=request.person_commitment,
        commitment_date=request.commitment_date,
        prostitution_stopped=request.prostitution_stopped,
        agrement=request.agrement,
        submitted_on=day,
    )
    PlanObjective.objects.bulk_create(
        PlanObjective(
            request=again,
            domain=o.domain,
            objective=o.objective,
            actions=o.actions,
            target_date=o.target_date,
        )
        for o in request.objectives.all()
    )
    for document in request.documents.all():
        with document.file.open("rb") as stored:
            content = stored.read()
        copy = RequestDocument(
            request=again,
            kind=document.kind,
            original_name=document.original_name,
            content_type=document.content_type,
            size=document.size,
            sha256=document.sha256,
            uploaded_by=document.uploaded_by,
        )
        copy.file.save("upload", ContentFile(content), save=False)
        copy.save()
    _log(
        actor,
        pathway,
        "reexamination",
        "Demande réexaminée après annulation du refus : prête pour la commission",
        request=again,
        to_state=again.state,
    )
    return again


@transaction.atomic
def stop_afis_by_decision(*, actor: Actor, afis: Afis, day: date, reference: str, motive: str) -> Afis:
    """The prefect's signed decision stops the AFIS « à compter du mois suivant la décision »: it stays due
    for the decision's month (dates.first_day_of_next_month). Called by appeals.services.decide_procedure."""
    _require(actor, "requests.decide")
    if afis.status not in (Afis.Status.GRANTED, Afis.Status.SUSPENDED):
        raise ValidationError("Seule une AFIS accordée peut être arrêtée.")
    last = dates.first_day_of_next_month(day) - timedelta(days=1)
    if afis.start and last < afis.start:
        last = afis.start
    if afis.end and afis.end < last:
        last = afis.end
    afis.status, afis.end = Afis.Status.STOPPED, last
    afis.save(update_fields=["status", "end", "updated_at"])
    _log(
        actor,
        afis.pathway,
        "afis_stopped",
        f"AFIS arrêtée par décision n° {reference} : versée jusqu'au {afis.end:%d/%m/%Y}",
        motive=motive,
    )
    # The payer's notice, followed to its acknowledgement and the end of payment like every AFIS event
    # (no overpayment created by silence); the decision's own letter to the payer goes with the act.
    notify_payer(
        actor=actor,
        afis=afis,
        event=Notice.Event.STOP,
        effective_on=afis.end + timedelta(days=1),
        detail=f"décision n° {reference}",
    )
    return afis


# --- AFIS month by month, and the notices to the payer ---


def afis_lines(afis: Afis, until: date | None = None) -> list[rules.AfisMonth]:
    """The AFIS due month by month, from the start of the payment to its end (or `until`)."""
    if afis.start is None:
        return []
    end = until or afis.end or afis.start
    return rules.afis_schedule(
        afis.start,
        max(end, afis.start),
        children=afis.dependent_children,
        children_changes=[(c.month, c.dependent_children) for c in afis.children_changes.all()],
        suspensions=[(s.start, s.resumed_from) for s in afis.suspensions.all()],
        overrides=afis_overrides(),
    )


def afis_month(afis: Afis, day: date) -> rules.AfisMonth | None:
    """The line of the schedule for the month of `day` (None outside the payment)."""
    month = dates.first_of_month(day)
    return next((line for line in afis_lines(afis) if line.month == month), None)


def pending_revaluations(afis: Afis) -> list[date]:
    """Months of the payment where the scale changed after the grant and no revaluation notice was made."""
    if afis.start is None or afis.status not in (Afis.Status.GRANTED, Afis.Status.SUSPENDED):
        return []
    notified = set(afis.notices.filter(event=Notice.Event.REVALUATION).values_list("effective_on", flat=True))
    months, previous = [], None
    for line in afis_lines(afis):
        if previous is not None and line.scale != previous.scale and line.month not in notified:
            months.append(line.month)
        previous = line
    return months


def _person_context(person) -> dict:
    feminine = person.sex == "F"
    return {
        "civilite": {"F": "Madame", "M": "Monsieur"}.get(person.sex, ""),
        "prenom": person.first_name,
        "nom": person.last_name.upper(),
        "naissance": person.birth_date,
        "ne": "née" if feminine else "né",
    }


def _notice(
    actor: Actor,
    pathway: Pathway,
    *,
    addressee: str,
    event: str,
    effective_on: date,
    afis: Afis | None = None,
    line: rules.AfisMonth | None = None,
    payment_until: date | None = None,
    detail: str = "",
    host_departement: str = "",
) -> Notice:
    from django.db.models import Max

    from parcours.documents import services as documents

    from .documents import IMMIGRATION_NOTICE, PAYER_NOTICE, euros

    departement = pathway.departement
    last = Notice.objects.filter(departement=departement).aggregate(n=Max("number"))["n"] or 0
    notice = Notice.objects.create(
        pathway=pathway,
        departement=departement,
        afis=afis,
        addressee=addressee,
        event=event,
        number=last + 1,
        effective_on=effective_on,
        monthly_amount=line.amount if line else None,
        dependent_children=line.children if line else None,
        payment_until=payment_until,
        detail=detail.strip(),
        created_by=actor.user,
    )
    period = pathway.periods.filter(start__lte=effective_on).order_by("-number").first()
    context = {
        "personne": _person_context(pathway.person),
        "association": str(pathway.association),
        "avis": {
            "numero": notice.number,
            "evenement": notice.get_event_display(),
            "code": event,
            "a_compter_du": effective_on,
            "montant": euros(notice.monthly_amount),
            "enfants": notice.dependent_children if notice.dependent_children is not None else "",
            "versement_jusqu_au": payment_until,
            "precisions": notice.detail,
            "departement_accueil": host_departement,
        },
        "periode": {"debut": period.start, "fin": period.end} if period else {"debut": None, "fin": None},
    }
    kind = PAYER_NOTICE if addressee == Notice.Addressee.AFIS_PAYER else IMMIGRATION_NOTICE
    # The title names the person by code only; the body (encrypted) names her or him.
    title = f"Avis n° {notice.number} — {notice.get_event_display()} — {pathway.person.pseudonym}"
    try:
        notice.document = documents.create_document(
            actor=actor, kind=kind, context=context, title=title, related=pathway
        )
    except ValidationError:
        raise
    except Exception as exc:  # a département's edited template that does not render: said, nothing saved
        raise ValidationError(
            "L'avis n'a pas pu être rédigé avec le modèle du département : corrigez le modèle "
            "« Avis à l'organisme payeur » (Documents)."
        ) from exc
    notice.save(update_fields=["document", "updated_at"])
    audit.record(actor, "create", notice, detail=f"avis {event}")
    _log(
        actor,
        pathway,
        f"notice_{event}",
        f"Avis n° {notice.number} à transmettre {notice.addressee_phrase} : "
        f"{notice.get_event_display().lower()} au {effective_on:%d/%m/%Y}",
    )
    return notice


def notify_payer(
    *,
    actor: Actor,
    afis: Afis,
    event: str,
    effective_on: date,
    detail: str = "",
    host_departement: str = "",
) -> Notice:
    """The notice of an AFIS event to the payer (MSA), with its letter: grant, renewal, change, revaluation,
    suspension, resumption, stop, end, transfer. Called by every service that changes the AFIS, and by other
    apps (an end or a stop decided by the prefect) — it never changes the AFIS itself. The amount and the
    children are those due for the month of `effective_on` (the schedule); a stop, an end or a transfer says
    the last day paid."""
    if event not in Notice.Event.values:
        raise ValidationError("Événement de l'AFIS inconnu.")
    closing = event in (Notice.Event.STOP, Notice.Event.END, Notice.Event.TRANSFER)
    line = None if closing or event == Notice.Event.SUSPENSION else afis_month(afis, effective_on)
    return _notice(
        actor,
        afis.pathway,
        addressee=Notice.Addressee.AFIS_PAYER,
        event=event,
        effective_on=effective_on,
        afis=afis,
        line=line,
        payment_until=afis.end,
        detail=detail,
        host_departement=host_departement,
    )


def _granted(afis: Afis, *statuses) -> None:
    if afis.status not in (statuses or (Afis.Status.GRANTED,)):
        raise ValidationError(
            "Cette action n'est possible que sur une AFIS accordée et en cours de versement."
        )


def _within_payment(afis: Afis, month: date, field: str = "month") -> date:
    month = dates.first_of_month(month)
    if afis.start is None or month < dates.first_of_month(afis.start) or (afis.end and month > afis.end):
        raise ValidationError(
            {
                field: "Ce mois n'est pas dans la période de versement de l'AFIS "
                f"(du {afis.start:%d/%m/%Y} au {afis.end:%d/%m/%Y})."
                if afis.start and afis.end
                else "Ce mois n'est pas dans la période de versement de l'AFIS."
            }
        )
    return month


@transaction.atomic
def change_afis_children(
    *, actor: Actor, afis: Afis, month: date, dependent_children: int
) -> AfisChildrenChange:
    """The number of dependent children changes from `month` on: the amount follows, the payer is told."""
    _require(actor, "rights.edit")
    _granted(afis, Afis.Status.GRANTED, Afis.Status.SUSPENDED)
    if dependent_children < 0 or dependent_children > 20:
        raise ValidationError({"dependent_children": "Indiquez un nombre d'enfants entre 0 et 20."})
    month = _within_payment(afis, month)
    current = afis_month(afis, month)
    if current is not None and current.children == dependent_children:
        raise ValidationError(
            {
                "dependent_children": "Le nombre d'enfants à charge est déjà de "
                f"{dependent_children} ce mois-là."
            }
        )
    change, _ = AfisChildrenChange.objects.update_or_create(
        afis=afis, month=month, defaults={"dependent_children": dependent_children, "recorded_by": actor.user}
    )
    _log(
        actor,
        afis.pathway,
        "afis_children",
        f"AFIS : {dependent_children} enfant(s) à charge à partir de {month:%m/%Y}",
    )
    notify_payer(actor=actor, afis=afis, event=Notice.Event.CHANGE, effective_on=month)
    return change


@transaction.atomic
def suspend_afis(*, actor: Actor, afis: Afis, month: date, motive: str) -> AfisSuspension:
    _require(actor, "rights.edit")
    _granted(afis)
    if not motive.strip():
        raise ValidationError({"motive": "Indiquez le motif de la suspension : l'organisme payeur le lira."})
    month = _within_payment(afis, month)
    suspension = AfisSuspension.objects.create(
        afis=afis, start=month, motive=motive.strip(), recorded_by=actor.user
    )
    afis.status = Afis.Status.SUSPENDED
    afis.save(update_fields=["status", "updated_at"])
    _log(actor, afis.pathway, "afis_suspended", f"AFIS suspendue à partir de {month:%m/%Y}", motive=motive)
    notify_payer(actor=actor, afis=afis, event=Notice.Event.SUSPENSION, effective_on=month, detail=motive)
    return suspension


@transaction.atomic
def resume_afis(*, actor: Actor, afis: Afis, month: date) -> AfisSuspension:
    _require(actor, "rights.edit")
    _granted(afis, Afis.Status.SUSPENDED)
    suspension = afis.suspensions.filter(resumed_from__isnull=True).first()
    if suspension is None:
        raise ValidationError("Aucune suspension en cours.")
    month = _within_payment(afis, month)
    if month <= suspension.start:
        raise ValidationError(
            {"month": f"La reprise suit le premier mois suspendu ({suspension.start:%m/%Y})."}
        )
    suspension.resumed_from = month
    suspension.save(update_fields=["resumed_from", "updated_at"])
    afis.status = Afis.Status.GRANTED
    afis.save(update_fields=["status", "updated_at"])
    _log(actor, afis.pathway, "afis_resumed", f"AFIS versée de nouveau à partir de {month:%m/%Y}")
    notify_payer(actor=actor, afis=afis, event=Notice.Event.RESUMPTION, effective_on=month)
    return suspension


@transaction.atomic
def notify_revaluation(*, actor: Actor, afis: Afis) -> list[Notice]:
    """A revaluation of the scale reaches the current recipient: one notice per month where the scale changed
    during the payment and the payer was not told yet."""
    _require(actor, "rights.edit")
    months = pending_revaluations(afis)
    if not months:
        raise ValidationError("Aucune revalorisation du barème n'est à notifier pour cette AFIS.")
    return [
        notify_payer(actor=actor, afis=afis, event=Notice.Event.REVALUATION, effective_on=month)
        for month in months
    ]


NOTICE_STEPS = {
    "sent": ("sent_on", "transmis"),
    "acknowledged": ("acknowledged_on", "accusé de réception"),
    "payment": ("payment_effective_on", "pris en compte dans le versement"),
}


@transaction.atomic
def record_notice_step(*, actor: Actor, notice: Notice, step: str, day: date) -> Notice:
    """The secretariat records that a notice was sent, acknowledged by its addressee, then (payer) taken into
    account in the payment — each once, in this order, never in the future."""
    _require(actor, "afis.notices")
    if notice.departement_id != actor.departement.pk:
        raise PermissionDenied
    if step not in NOTICE_STEPS:
        raise ValidationError({"step": "Étape inconnue."})
    field, label = NOTICE_STEPS[step]
    if day > timezone.localdate():
        raise ValidationError({"day": "La date ne peut pas être dans le futur."})
    if getattr(notice, field) is not None:
        raise ValidationError(
            f"L'avis n° {notice.number} est déjà {label} ({getattr(notice, field):%d/%m/%Y})."
        )
    if step == "acknowledged" and notice.sent_on is None:
        raise ValidationError("Enregistrez d'abord la transmission de l'avis.")
    if step == "payment":
        if notice.addressee != Notice.Addressee.AFIS_PAYER:
            raise ValidationError("Seul un avis à l'organisme payeur est pris en compte dans un versement.")
        if notice.acknowledged_on is None:
            raise ValidationError("Enregistrez d'abord l'accusé de réception de l'organisme payeur.")
    previous = (
        notice.acknowledged_on if step == "payment" else notice.sent_on if step == "acknowledged" else None
    )
    if previous and day < previous:
        raise ValidationError({"day": f"La date ne peut pas précéder le {previous:%d/%m/%Y}."})
    if step == "sent" and day < timezone.localtime(notice.created_at).date():
        raise ValidationError({"day": "L'avis ne peut pas être transmis avant d'avoir été rédigé."})
    setattr(notice, field, day)
    notice.save(update_fields=[field, "updated_at"])
    audit.record(actor, "update", notice, detail=f"avis {label}")
    _log(actor, notice.pathway, f"notice_{step}", f"Avis n° {notice.number} {label} le {day:%d/%m/%Y}")
    return notice


# --- Residence permit ---


def permit_warnings(permit: ResidencePermit) -> list[str]:
    """What the immigration service and the secretariat should look at (French, one line each)."""
    warnings = []
    if permit.too_short:
        warnings.append(
            f"L'autorisation provisoire de séjour est délivrée pour moins de {rules.APS_MIN_MONTHS} mois "
            "(du {0:%d/%m/%Y} au {1:%d/%m/%Y}) : l'article L. 425-4 du CESEDA prévoit une durée d'au moins "
            "six mois.".format(permit.issued_on, permit.expires_on)
        )
    pathway = permit.pathway
    if pathway.state == PathwayState.ENDED and permit.route == ResidencePermit.Route.PSP:
        if permit.next_permit_status in ("", ResidencePermit.NextStatus.REFUSED):
            warnings.append(
                "Le parcours est terminé : le titre de séjour de droit commun qui prend le relais de l'APS "
                "n'est pas encore demandé ou a été refusé."
            )
    if permit.expires_on and pathway.state == PathwayState.ACTIVE:
        last = max(pathway.periods.all(), key=lambda p: p.number, default=None)
        if last and permit.expires_on < last.end:
            warnings.append(
                f"L'APS expire le {permit.expires_on:%d/%m/%Y}, avant la fin de la période en cours "
                f"({last.end:%d/%m/%Y}) : elle est à renouveler pour la durée du parcours."
            )
    return warnings


# --- Transfers ---


def _transfer_log(actor, transfer, label, motive=""):
    _log(actor, transfer.pathway, f"transfer_{transfer.state}", label, motive=motive)
    audit.record(actor, "transition", transfer, detail=f"transfert {transfer.kind} {transfer.state}")


@transaction.atomic
def request_departement_transfer(
    *, actor: Actor, pathway: Pathway, to_association, day: date, consent_given_on: date, motive: str = ""
) -> Transfer:
    """The person moves to another département: the association that accompanies her or him asks, with the
    person's consent, that an approved association there takes over. The receiving secretariat accepts."""
    _require(actor, "transfers.request")
    _own_association(actor, pathway)
    if pathway.state != PathwayState.ACTIVE:
        raise ValidationError("Seul un parcours autorisé et en cours peut être transféré.")
    if pathway.transfers.filter(state__in=[Transfer.State.PENDING, Transfer.State.ACCEPTED]).exists():
        raise ValidationError("Un transfert de ce parcours est déjà en attente.")
    if to_association.departement_id == pathway.departement_id:
        raise ValidationError({"to_association": "Choisissez une association d'un autre département."})
    if not has_valid_agrement(to_association, day):
        raise ValidationError(
            {"to_association": "Cette association n'a pas d'agrément en vigueur à cette date."}
        )
    if consent_given_on > timezone.localdate():
        raise ValidationError({"consent_given_on": "La date du consentement ne peut pas être dans le futur."})
    first = pathway.periods.order_by("start").first()
    if first and day < first.start:
        raise ValidationError({"day": "Le transfert ne peut pas précéder le début du parcours."})
    transfer = Transfer.objects.create(
        pathway=pathway,
        kind=Transfer.Kind.DEPARTEMENT,
        from_departement=pathway.departement,
        to_departement=to_association.departement,
        from_association=pathway.association,
        to_association=to_association,
        day=day,
        consent_given_on=consent_given_on,
        months_carried=rules.months_used(_periods(pathway)) + months_used_by_person(pathway),
        motive=motive.strip(),
        requested_by=actor.user,
    )
    _transfer_log(
        actor,
        transfer,
        f"Transfert demandé vers le département {transfer.to_departement} au {day:%d/%m/%Y}, "
        "avec le consentement de la personne",
        motive,
    )
    return transfer


@transaction.atomic
def accept_departement_transfer(*, actor: Actor, transfer: Transfer) -> Pathway:
    """The receiving secretariat accepts: the person's record is created in its département for the receiving
    association (same identity, hence the same blind indexes), a new pathway opens there in instruction — a
    new request goes to its commission — and the months already used count towards the cap. The former
    pathway ends on the transfer day: its AFIS payer and, for a foreign national, the foreigners' service are
    notified."""
    from parcours.people.models import Person as PersonModel

    _require(actor, "transfers.decide")
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.state != Transfer.State.PENDING or transfer.to_departement_id != actor.departement.pk:
        raise ValidationError("Ce transfert n'attend plus de réponse.")
    old = transfer.pathway
    if old.state != PathwayState.ACTIVE:
        raise ValidationError(
            "Le parcours d'origine n'est plus en cours : le transfert ne peut pas avoir lieu."
        )
    source = old.person
    person = PersonModel(
        departement=transfer.to_departement,
        organisation=transfer.to_association,
        created_by=actor.user,
        **{
            f.name: getattr(source, f.name)
            for f in PersonModel._meta.concrete_fields
            if f.name
            not in (
                "id",
                "public_id",
                "created_at",
                "updated_at",
                "departement",
                "organisation",
                "pseudonym",
                "created_by",
                "merged_into",
                "merged_at",
                "is_sensitive",
            )
        },
    )
    person.is_sensitive = source.is_sensitive
    person.refresh_indexes()
    person.save()
    from parcours.people.models import PersonAlias
    from parcours.people.services import refresh_search_tokens

    PersonAlias.objects.bulk_create(
        PersonAlias(person=person, kind=a.kind, name=a.name, name_bidx=a.name_bidx)
        for a in source.aliases.all()
    )

    refresh_search_tokens(person)
    new = Pathway.objects.create(
        departement=transfer.to_departement,
        person=person,
        association=transfer.to_association,
        created_by=actor.user,
    )
    previous = old.requests.filter(state=RequestState.AUTHORISED).order_by("-decision_date").first()
    Request.objects.create(
        pathway=new,
        departement_id=new.departement_id,
        kind=RequestKind.INITIAL,
        rights_requested=previous.rights_requested if previous else [],
        agrement=agrement_in_force(transfer.to_association),
    )
    transfer.state, transfer.decided_by, transfer.decided_at = (
        Transfer.State.ACCEPTED,
        actor.user,
        timezone.now(),
    )
    transfer.new_pathway = new
    transfer.save(update_fields=["state", "decided_by", "decided_at", "new_pathway", "updated_at"])
    _log(
        actor,
        new,
        "transfer_in",
        f"Suivi repris d'un autre département : {transfer.months_carried} mois déjà utilisés comptent dans "
        f"la durée maximale de {rules.MAX_PATHWAY_MONTHS} mois",
    )
    _transfer_log(
        actor,
        transfer,
        f"Transfert accepté par le département {transfer.to_departement} : le parcours d'origine est à clore",
    )
    return new


@transaction.atomic
def close_transferred_pathway(*, actor: Actor, transfer: Transfer) -> Pathway:
    """The former département's secretariat closes the pathway the receiving département took over: it ends on
    the transfer day (reason « suivi transféré »), its AFIS payer receives its notice (the last day paid here)
    and, for a foreign national, the foreigners' service learns that the permit is now followed there."""
    _require(actor, "pathways.end")
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.state != Transfer.State.ACCEPTED or transfer.from_departement_id != actor.departement.pk:
        raise ValidationError("Ce transfert n'attend pas la clôture du parcours d'origine.")
    old = transfer.pathway
    host = str(transfer.to_departement)
    first = old.periods.order_by("start").first()
    day = min(max(transfer.day, first.start if first else transfer.day), timezone.localdate())
    _end(actor, old, reason=EndReason.TRANSFERRED, day=day, motive=transfer.motive, transfer_host=host)
    if ResidencePermit.objects.filter(pathway=old).exists():
        _notice(
            actor,
            old,
            addressee=Notice.Addressee.IMMIGRATION,
            event=Notice.Event.TRANSFER,
            effective_on=day,
            host_departement=host,
        )
    transfer.state = Transfer.State.DONE
    transfer.save(update_fields=["state", "updated_at"])
    _transfer_log(actor, transfer, f"Parcours clos : suivi transféré au département {host} le {day:%d/%m/%Y}")
    return old


@transaction.atomic
def refuse_departement_transfer(*, actor: Actor, transfer: Transfer, motive: str) -> Transfer:
    _require(actor, "transfers.decide")
    if not motive.strip():
        raise ValidationError({"motive": "Indiquez le motif du refus : l'association d'origine le lira."})
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.state != Transfer.State.PENDING or transfer.to_departement_id != actor.departement.pk:
        raise ValidationError("Ce transfert n'attend plus de réponse.")
    transfer.state, transfer.decided_by, transfer.decided_at = (
        Transfer.State.REFUSED,
        actor.user,
        timezone.now(),
    )
    transfer.save(update_fields=["state", "decided_by", "decided_at", "updated_at"])
    _log(
        actor,
        transfer.pathway,
        "transfer_refused",
        f"Transfert refusé par le département {transfer.to_departement}",
        motive=motive.strip(),
    )
    return transfer


@transaction.atomic
def hand_over_pathways(
    *, actor: Actor, from_association, to_association, day: date, motive: str
) -> list[Transfer]:
    """The association's agrément is withdrawn, or it closes: the secretariat hands every open pathway over to
    another approved association of the département. Each file follows once the receiving association records
    the person's consent (consent_transfer)."""
    _require(actor, "transfers.handover")
    dep = actor.departement
    if from_association.departement_id != dep.pk or to_association.departement_id != dep.pk:
        raise PermissionDenied
    if from_association.pk == to_association.pk:
        raise ValidationError({"to_association": "Choisissez une autre association."})
    if not has_valid_agrement(to_association, day):
        raise ValidationError(
            {"to_association": "Cette association n'a pas d'agrément en vigueur à cette date."}
        )
    if not motive.strip():
        raise ValidationError({"motive": "Indiquez le motif (retrait d'agrément, fermeture…)."})
    pathways = list(
        Pathway.objects.open()
        .filter(departement=dep, association=from_association)
        .exclude(transfers__state=Transfer.State.PENDING)
    )
    if not pathways:
        raise ValidationError("Cette association n'accompagne aucun parcours en cours à transférer.")
    transfers = []
    for pathway in pathways:
        transfer = Transfer.objects.create(
            pathway=pathway,
            kind=Transfer.Kind.ASSOCIATION,
            from_departement=dep,
            to_departement=dep,
            from_association=from_association,
            to_association=to_association,
            day=day,
            months_carried=0,
            motive=motive.strip(),
            requested_by=actor.user,
        )
        _transfer_log(
            actor,
            transfer,
            f"Suivi confié à {to_association} (consentement de la personne à recueillir)",
            motive,
        )
        transfers.append(transfer)
    return transfers


@transaction.atomic
def consent_transfer(*, actor: Actor, transfer: Transfer, consent_given_on: date) -> Pathway:
    """The receiving association records the person's consent: the pathway and the person's file are now
    its own (same pathway: periods, AFIS and permit go on); the payer is told of the change of association."""
    _require(actor, "transfers.consent")
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if (
        transfer.state != Transfer.State.PENDING
        or transfer.kind != Transfer.Kind.ASSOCIATION
        or transfer.to_association_id != actor.organisation.pk
    ):
        raise ValidationError("Ce transfert n'attend plus de consentement.")
    if consent_given_on > timezone.localdate():
        raise ValidationError({"consent_given_on": "La date du consentement ne peut pas être dans le futur."})
    pathway = transfer.pathway
    pathway.association = transfer.to_association
    pathway.save(update_fields=["association", "updated_at"])
    person = pathway.person
    person.organisation = transfer.to_association
    person.save(update_fields=["organisation", "updated_at"])
    transfer.state, transfer.consent_given_on = Transfer.State.DONE, consent_given_on
    transfer.decided_by, transfer.decided_at = actor.user, timezone.now()
    transfer.save(update_fields=["state", "consent_given_on", "decided_by", "decided_at", "updated_at"])
    _transfer_log(
        actor, transfer, f"Suivi repris par {transfer.to_association} avec le consentement de la personne"
    )
    return pathway
