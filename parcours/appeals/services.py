"""Every write of appeals and of the prior adversarial procedure. Each service checks the actor's right and
scope, refuses bad input with a French message (nothing changed), and writes its audit event in the same
transaction."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from parcours.core import audit, dates
from parcours.core.access import Actor
from parcours.core.policies import can

from . import documents as kinds
from . import rules, settings_store
from .models import (
    OPEN_PROCEDURE_STATES,
    Appeal,
    AppealAuthor,
    AppealKind,
    AppealOutcome,
    AppealTarget,
    Procedure,
    ProcedureKind,
    ProcedureState,
)
from .policies import is_own


def _require(actor: Actor, permission: str) -> None:
    if not can(actor, permission):
        raise PermissionDenied


def _same_departement(actor: Actor, departement_id: int) -> None:
    if departement_id != actor.departement.pk:
        raise PermissionDenied


def _check_day(day: date | None, *, field: str, label: str, not_before: date | None = None, before_label=""):
    if day is None:
        raise ValidationError({field: f"Indiquez {label}."})
    if day > timezone.localdate():
        raise ValidationError({field: f"{label[0].upper()}{label[1:]} ne peut pas être dans le futur."})
    if not_before and day < not_before:
        raise ValidationError(
            {
                field: f"{label[0].upper()}{label[1:]} ne peut pas précéder {before_label} "
                f"({not_before:%d/%m/%Y})."
            }
        )


# --- What can be appealed ---


def appealable(obj) -> tuple[str, date | None]:
    """The target kind of an appeal against `obj` and the date of the contested decision; ValidationError
    (French) when `obj` is not an unfavourable decision that can be appealed."""
    from parcours.approvals.models import Agrement, AgrementApplication, ApplicationState
    from parcours.commission.models import PrefectDecision

    if isinstance(obj, PrefectDecision):
        if obj.state != PrefectDecision.State.SIGNED:
            raise ValidationError(
                "Seule une décision signée, inscrite au registre, peut faire l'objet d'un recours."
            )
        if obj.outcome == PrefectDecision.Outcome.REFUSED:
            return AppealTarget.REFUSAL, obj.signed_on
        if obj.outcome == PrefectDecision.Outcome.ENDED:
            return AppealTarget.END, obj.signed_on
        raise ValidationError(
            "Une autorisation n'est pas une décision défavorable : elle ne se conteste pas ici."
        )
    if isinstance(obj, Procedure):
        if obj.kind != ProcedureKind.AFIS_STOP or obj.state not in (
            ProcedureState.DECIDED,
            ProcedureState.NOTIFIED,
        ):
            raise ValidationError("Seul un arrêt de l'AFIS décidé peut faire l'objet d'un recours ici.")
        return AppealTarget.AFIS_STOP, obj.decided_on
    if isinstance(obj, AgrementApplication):
        if obj.state != ApplicationState.REFUSED:
            raise ValidationError("Seul un refus d'agrément peut faire l'objet d'un recours.")
        return AppealTarget.AGREMENT_REFUSED, obj.decided_on
    if isinstance(obj, Agrement):
        if not obj.withdrawn_on:
            raise ValidationError("Seul un agrément retiré peut faire l'objet d'un recours.")
        return AppealTarget.AGREMENT_WITHDRAWN, obj.withdrawn_on
    raise ValidationError("Cette décision ne peut pas faire l'objet d'un recours.")


def _departement_of(obj) -> int:
    from parcours.approvals.models import Agrement, AgrementApplication

    if isinstance(obj, Agrement):
        return obj.organisation.departement_id
    if isinstance(obj, AgrementApplication):
        return obj.departement_id
    return obj.departement_id


@transaction.atomic
def record_appeal(
    *, actor: Actor, obj, kind: str, author: str, lodged_on: date, grounds: str, court_reference: str = ""
) -> Appeal:
    """The secretariat records an appeal against an unfavourable decision (refusal, end of a pathway, AFIS
    stop, refused or withdrawn agrément)."""
    _require(actor, "appeals.record")
    _same_departement(actor, _departement_of(obj))
    target, decided_on = appealable(obj)
    if kind not in AppealKind.values:
        raise ValidationError({"kind": "Choisissez la nature du recours."})
    if author not in AppealAuthor.values:
        raise ValidationError({"author": "Indiquez qui a formé le recours."})
    _check_day(
        lodged_on,
        field="lodged_on",
        label="la date du recours",
        not_before=decided_on,
        before_label="la décision contestée",
    )
    grounds = (grounds or "").strip()
    if not grounds:
        raise ValidationError({"grounds": "Résumez les moyens invoqués par le requérant."})
    court_reference = (court_reference or "").strip()
    if kind in (AppealKind.CONTENTIEUX, AppealKind.REFERE) and not court_reference:
        raise ValidationError({"court_reference": "Indiquez le numéro de la requête devant le tribunal."})
    appeal = Appeal(
        departement_id=_departement_of(obj),
        target=target,
        kind=kind,
        author=author,
        lodged_on=lodged_on,
        grounds=grounds,
        court_reference=court_reference,
        recorded_by=actor.user,
    )
    field = {
        AppealTarget.REFUSAL: "decision",
        AppealTarget.END: "decision",
        AppealTarget.AFIS_STOP: "procedure",
        AppealTarget.AGREMENT_REFUSED: "application",
        AppealTarget.AGREMENT_WITHDRAWN: "agrement",
    }[target]
    setattr(appeal, field, obj)
    appeal.save()
    audit.record(actor, "create", appeal, detail=f"recours enregistré : {appeal.get_kind_display().lower()}")
    return appeal


@transaction.atomic
def record_outcome(*, actor: Actor, appeal: Appeal, outcome: str, day: date, note: str = "") -> Appeal:
    """The answer to the appeal or the court's judgment: recorded once."""
    _require(actor, "appeals.record")
    _same_departement(actor, appeal.departement_id)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.outcome != AppealOutcome.PENDING:
        raise ValidationError(
            f"L'issue de ce recours est déjà enregistrée ({appeal.get_outcome_display().lower()})."
        )
    if outcome not in AppealOutcome.values or outcome == AppealOutcome.PENDING:
        raise ValidationError({"outcome": "Choisissez l'issue du recours."})
    if outcome == AppealOutcome.SUSPENDED and appeal.kind != AppealKind.REFERE:
        raise ValidationError({"outcome": "Seul un référé aboutit à la suspension de la décision."})
    _check_day(
        day,
        field="day",
        label="la date de la réponse ou du jugement",
        not_before=appeal.lodged_on,
        before_label="le recours",
    )
    appeal.outcome, appeal.outcome_on, appeal.outcome_note = outcome, day, (note or "").strip()
    appeal.save(update_fields=["outcome", "outcome_on", "outcome_note", "updated_at"])
    audit.record(
        actor, "transition", appeal, detail=f"issue du recours : {appeal.get_outcome_display().lower()}"
    )
    return appeal


@transaction.atomic
def open_reexamination(*, actor: Actor, appeal: Appeal, day: date, note: str = "") -> Appeal:
    """After an annulment (or a suspension), the administration examines the matter again. A refused request
    comes back, ready for the commission (pathways.services.reexamine_refused_request); for the other
    decisions, the secretariat records what it does (the new procedure or decision)."""
    from parcours.pathways import services as psp

    _require(actor, "appeals.record")
    _same_departement(actor, appeal.departement_id)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if not appeal.awaits_reexamination:
        raise ValidationError(
            "Le réexamen s'ouvre une fois, après l'annulation ou la suspension de la décision contestée."
        )
    _check_day(
        day,
        field="day",
        label="la date du réexamen",
        not_before=appeal.outcome_on,
        before_label="la réponse ou le jugement",
    )
    note = (note or "").strip()
    if appeal.target == AppealTarget.REFUSAL:
        appeal.reexamination_request = psp.reexamine_refused_request(
            actor=actor, request=appeal.decision.request, day=day
        )
    elif not note:
        raise ValidationError({"note": "Indiquez la suite donnée : nouvelle procédure, nouvelle décision..."})
    appeal.reexamined_on, appeal.reexamination_note = day, note
    appeal.save(update_fields=["reexamined_on", "reexamination_note", "reexamination_request", "updated_at"])
    audit.record(actor, "transition", appeal, detail="réexamen ouvert après annulation")
    return appeal


# --- The prior adversarial procedure ---

MEASURES = {
    ProcedureKind.END: "mettre fin à votre parcours de sortie de la prostitution et d'insertion sociale et "
    "professionnelle",
    ProcedureKind.AFIS_STOP: "mettre fin au versement de l'aide financière à l'insertion sociale et "
    "professionnelle (AFIS) à compter du mois suivant la décision",
}


def _person_fields(person) -> dict:
    from parcours.commission.services import _person_fields as fields

    return fields(person)


def _notice_context(procedure: Procedure, days: int) -> dict:
    if procedure.kind == ProcedureKind.WITHDRAWAL:
        return {
            **_agrement_fields(procedure.agrement),
            "motifs": procedure.grounds,
            "delai_jours": days,
            "avis_commission": procedure.opinion_required,
        }
    pathway = procedure.pathway
    return {
        "personne": _person_fields(pathway.person),
        "association": str(pathway.association),
        "mesure": MEASURES[procedure.kind],
        "fin": procedure.kind == ProcedureKind.END,
        "motifs": procedure.grounds,
        "delai_jours": days,
        "avis_commission": procedure.opinion_required,
    }


def _agrement_fields(agrement) -> dict:
    return {
        "agrement": {
            "association": str(agrement.organisation),
            "reference": agrement.reference,
            "debut": agrement.valid_from,
            "fin": agrement.valid_until,
        }
    }


def check_start(kind: str, *, pathway=None, agrement=None) -> None:
    """What makes the measure impossible to consider now (French), checked before anything is written."""
    from parcours.commission.models import PrefectDecision
    from parcours.pathways.models import Afis, PathwayState

    if kind in (ProcedureKind.END, ProcedureKind.AFIS_STOP):
        if pathway is None or pathway.state != PathwayState.ACTIVE:
            raise ValidationError("Seul un parcours autorisé et en cours peut faire l'objet de cette mesure.")
        if Procedure.objects.open().filter(pathway=pathway, kind=kind).exists():
            raise ValidationError("Une procédure contradictoire est déjà en cours pour cette mesure.")
        if (
            kind == ProcedureKind.END
            and PrefectDecision.objects.filter(
                pathway=pathway, outcome=PrefectDecision.Outcome.ENDED, state__in=["draft", "returned"]
            ).exists()
        ):
            raise ValidationError(
                "Une décision de fin de ce parcours est déjà préparée : elle attend la signature."
            )
        if (
            kind == ProcedureKind.AFIS_STOP
            and not Afis.objects.filter(pathway=pathway, status=Afis.Status.GRANTED).exists()
        ):
            raise ValidationError("La personne ne perçoit pas l'AFIS : il n'y a rien à arrêter.")
    elif kind == ProcedureKind.WITHDRAWAL:
        if agrement is None or agrement.withdrawn_on:
            raise ValidationError("Cet agrément a déjà été retiré.")
        if agrement.valid_until < timezone.localdate():
            raise ValidationError("Cet agrément a expiré : il n'y a rien à retirer.")
        if Procedure.objects.open().filter(agrement=agrement).exists():
            raise ValidationError("Une procédure de retrait est déjà en cours pour cet agrément.")
    else:
        raise ValidationError("Mesure inconnue.")


@transaction.atomic
def start_procedure(*, actor: Actor, kind: str, grounds: str, pathway=None, agrement=None) -> Procedure:
    """The secretariat considers an unfavourable measure: the notice of intent (a frozen document, handed
    over to the person by the association, or sent to the association for a withdrawal) states the measure,
    its grounds and the time to present observations."""
    from parcours.approvals import settings_store as approvals_settings
    from parcours.documents import services as documents

    _require(actor, "procedures.manage")
    if pathway is not None:
        _same_departement(actor, pathway.departement_id)
    if agrement is not None:
        _same_departement(actor, agrement.organisation.departement_id)
    grounds = (grounds or "").strip()
    if not grounds:
        raise ValidationError(
            {"grounds": "Une mesure défavorable est motivée : indiquez les motifs envisagés."}
        )
    check_start(kind, pathway=pathway, agrement=agrement)
    today = timezone.localdate()
    required = (
        approvals_settings.commission_opinion_required(today)
        if kind == ProcedureKind.WITHDRAWAL
        else settings_store.commission_opinion_required(today)
    )
    procedure = Procedure(
        departement=actor.departement,
        kind=kind,
        pathway=pathway,
        agrement=agrement,
        grounds=grounds,
        started_by=actor.user,
        opinion_required=required,
    )
    procedure.notice_document = documents.create_document(
        actor=actor,
        kind=kinds.NOTICE_WITHDRAWAL if kind == ProcedureKind.WITHDRAWAL else kinds.NOTICE,
        context=_notice_context(procedure, settings_store.observations_days(today)),
        title="Préavis — mesure envisagée",
        related=pathway,
        freeze=True,
    )
    procedure.save()
    _timeline(actor, procedure, "procedure_started", "Mesure envisagée ({kind}) : préavis à remettre")
    audit.record(
        actor,
        "create",
        procedure,
        detail=f"procédure contradictoire : {procedure.get_kind_display().lower()}",
    )
    return procedure


def _timeline(actor: Actor, procedure: Procedure, name: str, what: str) -> None:
    """The pathway's history says where the procedure stands (its kind and step, never its grounds)."""
    if procedure.pathway_id:
        from parcours.pathways.services import _log

        kind = procedure.get_kind_display()
        _log(actor, procedure.pathway, name, what.format(kind=kind[0].lower() + kind[1:]))


def _may_hand_over(actor: Actor, procedure: Procedure) -> None:
    _require(actor, "procedures.handover")
    if procedure.kind == ProcedureKind.WITHDRAWAL:
        if not actor.is_secretariat:
            raise PermissionDenied
    elif not is_own(actor, procedure):
        raise PermissionDenied


def _locked(actor: Actor, procedure: Procedure) -> Procedure:
    _same_departement(actor, procedure.departement_id)
    return Procedure.objects.select_for_update().get(pk=procedure.pk)


@transaction.atomic
def record_notice_handover(
    *, actor: Actor, procedure: Procedure, day: date, acknowledgement: str
) -> Procedure:
    """The day the notice reached the person (handed over by the association) or the association (its
    receipt): the time to present observations runs from it."""
    _may_hand_over(actor, procedure)
    procedure = _locked(actor, procedure)
    if procedure.state != ProcedureState.NOTICE:
        raise ValidationError("La remise de ce préavis est déjà enregistrée.")
    if acknowledgement not in Procedure.Acknowledgement.values:
        raise ValidationError({"acknowledgement": "Choisissez la preuve de la remise."})
    _check_day(
        day,
        field="day",
        label="la date de remise",
        not_before=timezone.localdate(procedure.created_at),
        before_label="le préavis",
    )
    days = settings_store.observations_days(day)
    procedure.notice_notified_on, procedure.notice_acknowledgement = day, acknowledgement
    procedure.observations_until = rules.observations_deadline(day, days)
    procedure.state = ProcedureState.OBSERVATIONS
    procedure.save()
    _timeline(actor, procedure, "notice_handed", f"Préavis remis le {day:%d/%m/%Y} ({{kind}})")
    audit.record(actor, "update", procedure, detail=f"préavis remis le {day:%d/%m/%Y}")
    return procedure


def _after_observations(procedure: Procedure) -> None:
    procedure.state = ProcedureState.OPINION if procedure.opinion_required else ProcedureState.READY


@transaction.atomic
def record_observations(*, actor: Actor, procedure: Procedure, day: date | None, text: str) -> Procedure:
    """The observations presented (their date and content), or — once the time is over — that none were."""
    _require(actor, "procedures.manage")
    procedure = _locked(actor, procedure)
    if procedure.state != ProcedureState.OBSERVATIONS:
        raise ValidationError("Cette procédure n'attend pas d'observations.")
    text = (text or "").strip()
    today = timezone.localdate()
    if text:
        _check_day(
            day,
            field="day",
            label="la date des observations",
            not_before=procedure.notice_notified_on,
            before_label="la remise du préavis",
        )
        procedure.observations_on, procedure.observations = day, text
        detail = "observations enregistrées"
    else:
        if today <= procedure.observations_until:
            raise ValidationError(
                {
                    "text": "Le délai d'observations court jusqu'au "
                    f"{procedure.observations_until:%d/%m/%Y} inclus : "
                    "la mesure ne peut être décidée sans observations qu'après cette date."
                }
            )
        detail = "aucune observation dans le délai"
    _after_observations(procedure)
    procedure.save()
    audit.record(actor, "update", procedure, detail=detail)
    return procedure


@transaction.atomic
def record_procedure_opinion(*, actor: Actor, procedure: Procedure, opinion: str, day: date) -> Procedure:
    _require(actor, "procedures.manage")
    procedure = _locked(actor, procedure)
    if procedure.state != ProcedureState.OPINION:
        raise ValidationError("Cette procédure n'attend pas l'avis de la commission.")
    if opinion not in Procedure.Opinion.values:
        raise ValidationError({"opinion": "Choisissez le sens de l'avis."})
    _check_day(
        day,
        field="day",
        label="la date de l'avis",
        not_before=procedure.notice_notified_on,
        before_label="la remise du préavis",
    )
    procedure.opinion, procedure.opinion_on, procedure.state = opinion, day, ProcedureState.READY
    procedure.save()
    audit.record(
        actor,
        "update",
        procedure,
        detail=f"avis de la commission : {procedure.get_opinion_display().lower()}",
    )
    return procedure


def _decision_context(procedure: Procedure, signer: str) -> dict:
    from parcours.pathways.models import Afis

    procedure_fields = {
        "preavis_remis": procedure.notice_notified_on,
        "observations": bool(procedure.observations),
        "observations_le": procedure.observations_on,
        "avis": procedure.get_opinion_display() if procedure.opinion else "",
        "avis_le": procedure.opinion_on,
    }
    context = {
        "decision": {
            "numero": procedure.decision_reference,
            "date": procedure.decided_on,
            "motif": procedure.decision_motive,
            "reference_externe": procedure.decision_external_reference,
        },
        "procedure": procedure_fields,
        "signataire": signer,
    }
    if procedure.kind == ProcedureKind.WITHDRAWAL:
        return {
            **context,
            **_agrement_fields(procedure.agrement),
            "motifs": procedure.grounds,
            "delai_jours": 0,
            "avis_commission": procedure.opinion_required,
        }
    pathway = procedure.pathway
    afis = Afis.objects.filter(pathway=pathway).first()
    return {
        **context,
        "personne": _person_fields(pathway.person),
        "association": str(pathway.association),
        "afis": {
            "arret": dates.first_day_of_next_month(procedure.decided_on),
            "organisme": afis.paying_body if afis else "",
        },
    }


def earliest_decision_day(procedure: Procedure) -> date:
    """The first day the measure may be decided: the commission's opinion when it was asked, else the
    observations presented, else the day after the time to present them."""
    from datetime import timedelta

    if procedure.opinion_on:
        return procedure.opinion_on
    if procedure.observations_on:
        return procedure.observations_on
    return procedure.observations_until + timedelta(days=1)


@transaction.atomic
def decide_procedure(
    *,
    actor: Actor,
    procedure: Procedure,
    day: date,
    motive: str,
    external_reference: str = "",
    signer: str = "",
) -> Procedure:
    """The decision after the procedure. The end of a pathway is drafted in the register for the prefect's
    signature (commission.services.draft_end_decision: number, act and letters come with the signature).
    The AFIS stop and the withdrawal are signed here: number of the département's yearly register sequence,
    the reasoned act (CRPA L. 211-2) and the letters, frozen; the AFIS stops from the next month."""
    from parcours.commission import services as commission
    from parcours.documents import services as documents
    from parcours.pathways import services as psp
    from parcours.pathways.models import Afis

    _require(actor, "procedures.decide")
    procedure = _locked(actor, procedure)
    if procedure.state != ProcedureState.READY:
        raise ValidationError(
            "La décision ne peut être prise qu'à la fin de la procédure contradictoire "
            f"(état actuel : {procedure.get_state_display().lower()})."
        )
    motive = (motive or "").strip()
    if not motive:
        raise ValidationError(
            {"motive": "Une décision défavorable est motivée (CRPA L. 211-2) : indiquez ses motifs."}
        )
    if procedure.kind == ProcedureKind.END:
        procedure.end_decision = commission.draft_end_decision(
            actor=actor,
            pathway=procedure.pathway,
            motive=motive,
            hearing_notice_on=procedure.notice_notified_on,
        )
        procedure.decision_motive = motive
        procedure.state = ProcedureState.DECIDED
        procedure.save()
        audit.record(actor, "transition", procedure, detail="décision de fin préparée pour la signature")
        return procedure
    _check_day(
        day,
        field="day",
        label="la date de la décision",
        not_before=earliest_decision_day(procedure),
        before_label="la fin de la procédure contradictoire",
    )
    procedure.decided_on, procedure.decision_motive, procedure.decided_by = day, motive, actor.user
    procedure.decision_external_reference = (external_reference or "").strip()
    year = day.year
    number = commission._next_number(procedure.departement, year)
    procedure.decision_reference = f"{year}-{number:04d}"
    context = _decision_context(procedure, (signer or "").strip())
    related = procedure.pathway

    def frozen(kind: str, title: str, **extra):
        return documents.create_document(
            actor=actor, kind=kind, context=context, title=title, freeze=True, **extra
        )

    decision_title = f"Décision n° {procedure.decision_reference}"
    if procedure.kind == ProcedureKind.AFIS_STOP:
        afis = Afis.objects.select_for_update().get(pathway=procedure.pathway)
        psp.stop_afis_by_decision(
            actor=actor, afis=afis, day=day, reference=procedure.decision_reference, motive=motive
        )
        procedure.decision_document = frozen(kinds.AFIS_STOP_DECISION, decision_title, related=related)
        procedure.letter_document = frozen(
            kinds.AFIS_STOP_LETTER_PERSON, "Notification de la décision", related=related
        )
        procedure.payer_letter_document = frozen(
            kinds.AFIS_STOP_LETTER_PAYER,
            "Notification de la décision à l'organisme payeur de l'AFIS",
            related=related,
        )
    else:
        procedure.decision_document = frozen(kinds.WITHDRAWAL_DECISION, decision_title)
    procedure.state = ProcedureState.DECIDED
    procedure.save()
    audit.record(actor, "transition", procedure, detail=f"décision n° {procedure.decision_reference}")
    return procedure


@transaction.atomic
def record_decision_handover(
    *, actor: Actor, procedure: Procedure, day: date, acknowledgement: str
) -> Procedure:
    """The decision notified (AFIS stop: the person's letter handed over by the association; withdrawal: its
    receipt by the association): the appeal deadline runs from that day; a withdrawal takes effect then, never
    earlier."""
    from parcours.approvals import services as approvals

    _may_hand_over(actor, procedure)
    procedure = _locked(actor, procedure)
    if procedure.kind == ProcedureKind.END or procedure.state != ProcedureState.DECIDED:
        raise ValidationError("Cette décision n'attend pas de notification ici.")
    if acknowledgement not in Procedure.Acknowledgement.values:
        raise ValidationError({"acknowledgement": "Choisissez la preuve de la remise."})
    _check_day(
        day,
        field="day",
        label="la date de notification",
        not_before=procedure.decided_on,
        before_label="la décision",
    )
    procedure.decision_notified_on, procedure.decision_acknowledgement = day, acknowledgement
    procedure.state = ProcedureState.NOTIFIED
    if procedure.kind == ProcedureKind.WITHDRAWAL:
        # No earlier than its notification (approvals.rules.earliest_withdrawal_effect, CRPA L. 221-8): the
        # same rule as a withdrawal decided outside Parcours.
        agrement = approvals.withdraw_after_procedure(
            actor=actor,
            agrement=procedure.agrement,
            notified_on=day,
            hearing_notice_on=procedure.notice_notified_on,
            motive=f"Décision n° {procedure.decision_reference} : {procedure.decision_motive}",
        )
        procedure.effective_on = agrement.withdrawn_on
    else:
        procedure.effective_on = dates.first_day_of_next_month(procedure.decided_on)
    procedure.save()
    audit.record(
        actor,
        "update",
        procedure,
        detail=f"décision n° {procedure.decision_reference} notifiée le {day:%d/%m/%Y}",
    )
    return procedure


@transaction.atomic
def abandon_procedure(*, actor: Actor, procedure: Procedure, reason: str) -> Procedure:
    """The measure is not taken (the observations convinced, the situation changed): the procedure closes."""
    _require(actor, "procedures.manage")
    procedure = _locked(actor, procedure)
    if procedure.state not in OPEN_PROCEDURE_STATES:
        raise ValidationError("Cette procédure est close.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Indiquez pourquoi la mesure n'est pas prise."})
    procedure.state, procedure.abandoned_on = ProcedureState.ABANDONED, timezone.localdate()
    procedure.decision_motive = reason
    procedure.save()
    _timeline(actor, procedure, "procedure_abandoned", "Mesure abandonnée ({kind})")
    audit.record(actor, "transition", procedure, detail="mesure abandonnée")
    return procedure


def pathways_to_hand_over(procedure: Procedure):
    """After a withdrawal took effect: the association's pathways still open, to be handed to another
    approved association (the hand-over itself is the pathways app's transfer)."""
    from parcours.pathways.models import Pathway

    if procedure.kind != ProcedureKind.WITHDRAWAL or procedure.state != ProcedureState.NOTIFIED:
        return Pathway.objects.none()
    return open_pathways_of(procedure.agrement.organisation)


def pathways_after_withdrawal(organisation, agrement, today: date | None = None):
    """The same list on the association's agrément page once the agrément that speaks for it was withdrawn,
    whichever way (the procedure above, or a withdrawal decided outside Parcours after a hearing held outside
    it: approvals.services.withdraw_agrement)."""
    from parcours.pathways.models import Pathway

    today = today or timezone.localdate()
    if agrement is None or agrement.withdrawn_on is None or agrement.withdrawn_on > today:
        return Pathway.objects.none()
    return open_pathways_of(organisation)


def open_pathways_of(organisation):
    """The association's pathways still open in its département, the oldest first."""
    from parcours.pathways.models import Pathway

    return (
        Pathway.objects.open()
        .filter(association=organisation, departement_id=organisation.departement_id)
        .select_related("person")
        .order_by("created_at")
    )
