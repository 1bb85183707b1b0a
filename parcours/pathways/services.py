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
from parcours.core import audit
from parcours.core.access import Actor
from parcours.core.policies import can
from parcours.core.uploads import validate_upload
from parcours.people.models import ConsentPurpose, Person
from parcours.people.services import has_active_consent

from . import rules
from .models import (
    Afis,
    Decision,
    DocumentKind,
    EndReason,
    EndReport,
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
)
from .settings_store import current_afis_amount

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
    if rules.age_on(person.birth_date, timezone.localdate()) < rules.AGE_OF_MAJORITY:
        raise ValidationError(rules.MINOR_REFUSED)
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
    return list(pathway.periods.values_list("start", "end"))


def proposed_period(
    request: Request, decision_date: date, period_start: date | None = None
) -> tuple[date, date] | None:
    """The period an authorisation decided on `decision_date` would open; None past the cap."""
    try:
        return rules.next_period(_periods(request.pathway), decision_date, period_start)
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
            start, end = rules.next_period(_periods(pathway), day, period_start)
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
        afis = Afis.objects.filter(pathway=pathway, status=Afis.Status.GRANTED).first()
        if afis is not None and (afis.end is None or afis.end < period.end):
            afis.end = period.end
            afis.save(update_fields=["end", "updated_at"])
            _log(
                actor,
                pathway,
                "afis_extended",
                f"AFIS prolongée jusqu'au {period.end:%d/%m/%Y} avec la nouvelle période",
            )
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


def renewal_blocker(pathway: Pathway) -> str | None:
    """Why a renewal cannot be started now, in French; None if it can."""
    if pathway.state != PathwayState.ACTIVE:
        return "Seul un parcours autorisé et en cours peut être renouvelé."
    if pathway.requests.open().exists():
        return "Une demande est déjà en cours pour ce parcours."
    if not rules.can_renew(_periods(pathway)):
        return (
            f"Le parcours a atteint la durée maximale de {rules.MAX_PATHWAY_MONTHS} mois : "
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
        afis_until=rules.first_day_of_next_month(day) - timedelta(days=1),
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
    _close_periods_and_rights(actor, pathway, day, afis_until=afis_until)
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
    actor: Actor, pathway: Pathway, day: date, afis_until: date | None = None
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
    afis = Afis.objects.filter(pathway=pathway, status=Afis.Status.GRANTED).first()
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


# --- Rights ---


@transaction.atomic
def grant_afis(
    *, actor: Actor, afis: Afis, granted_on: date, start: date, paying_body: str, dependent_children: int
) -> Afis:
    """Record the AFIS grant; the monthly amount is computed from the dated scale in force at the start."""
    _require(actor, "rights.edit")
    person = afis.pathway.person
    if rules.age_on(person.birth_date, start) < rules.AFIS_MIN_AGE:
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
    afis.save()
    _log(
        actor,
        afis.pathway,
        "afis_granted",
        f"AFIS accordée : {str(amount).replace('.', ',')} € par mois à partir du {start:%d/%m/%Y}",
    )
    return afis


@transaction.atomic
def stop_afis(*, actor: Actor, afis: Afis, day: date, motive: str) -> Afis:
    _require(actor, "rights.edit")
    if afis.status != Afis.Status.GRANTED:
        raise ValidationError("Seule une AFIS accordée peut être arrêtée.")
    if afis.start and day < afis.start:
        raise ValidationError({"day": "L'arrêt ne peut pas précéder le début du versement."})
    afis.status, afis.end = Afis.Status.STOPPED, day
    afis.save()
    _log(actor, afis.pathway, "afis_stopped", f"AFIS arrêtée au {day:%d/%m/%Y}", motive=motive)
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
    for the decision's month (rules.first_day_of_next_month). Called by appeals.services.decide_procedure."""
    _require(actor, "requests.decide")
    if afis.status != Afis.Status.GRANTED:
        raise ValidationError("Seule une AFIS accordée peut être arrêtée.")
    last = rules.first_day_of_next_month(day) - timedelta(days=1)
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
    return afis
