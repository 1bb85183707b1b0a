"""Every write of the agrément procedure: application, instruction, the two clocks, decision, withdrawal.

Keyword-only arguments, the actor first. Refusals raise ValidationError with a French message.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed, can_proceed

from parcours.core import audit, dates
from parcours.core.access import Actor
from parcours.core.models import Departement, Organisation, OrganisationKind
from parcours.core.policies import can
from parcours.core.uploads import validate_upload

from . import rules
from .models import (
    Agrement,
    AgrementApplication,
    AgrementEvent,
    ApplicationDecision,
    ApplicationDocument,
    ApplicationKind,
    ApplicationState,
    CommissionOpinion,
    ListedDepartement,
    OtherOpinion,
)
from .settings_store import commission_opinion_required, other_opinion_months


def _require(actor: Actor, permission: str) -> None:
    if not can(actor, permission):
        raise PermissionDenied


def _own(actor: Actor, application: AgrementApplication) -> None:
    if not (actor.is_association and application.organisation_id == actor.organisation.pk):
        raise PermissionDenied


def _in_departement(actor: Actor, application: AgrementApplication) -> None:
    if application.departement_id != actor.departement.pk:
        raise PermissionDenied


def _log(actor, application, name, label, *, agrement=None, day=None, from_state="", to_state="", motive=""):
    organisation = application.organisation if application else agrement.organisation
    AgrementEvent.objects.create(
        organisation=organisation,
        application=application,
        agrement=agrement or (application.agrement if application else None),
        at=timezone.now(),
        day=day,
        name=name,
        label=label,
        from_state=from_state,
        to_state=to_state,
        user=actor.user,
        role=actor.role,
        motive=motive,
    )
    audit.record(actor, "transition", application or agrement, detail=name)


def _transition(actor, application, method, label, *, day=None, motive="", agrement=None):
    bound = getattr(application, method)
    if not can_proceed(bound):
        raise ValidationError(
            f"Action impossible : « {label} » n'est pas permis "
            f"quand l'état est « {application.get_state_display()} »."
        )
    before = application.state
    try:
        bound()
    except TransitionNotAllowed as exc:
        raise ValidationError(f"Action impossible : « {label} ».") from exc
    application.save()
    _log(
        actor,
        application,
        method,
        label,
        agrement=agrement,
        day=day,
        from_state=before,
        to_state=application.state,
        motive=motive,
    )


def _check_day(day: date | None, today: date, *, label: str, not_before: date | None = None, after_label=""):
    if day is None:
        raise ValidationError({"day": f"{label} est obligatoire."})
    if day > today:
        raise ValidationError({"day": f"{label} ne peut pas être dans le futur."})
    if not_before and day < not_before:
        raise ValidationError({"day": f"{label} ne peut pas précéder {after_label} ({not_before:%d/%m/%Y})."})


# --- The association: preparing and sending the file ---


@transaction.atomic
def start_application(*, actor: Actor, today: date | None = None) -> AgrementApplication:
    """A first application, or a renewal when the association already held an agrément."""
    _require(actor, "approvals.prepare")
    organisation: Organisation = actor.organisation
    if organisation.kind != OrganisationKind.ASSOCIATION:
        raise PermissionDenied
    today = today or timezone.localdate()
    open_application = organisation.agrement_applications.open().first()
    if open_application:
        raise ValidationError(
            "Une demande d'agrément est déjà en cours pour votre association : complétez-la ou attendez sa "
            "décision."
        )
    previous = (
        Agrement.objects.filter(organisation=organisation, withdrawn_on__isnull=True, valid_from__lte=today)
        .order_by("-valid_until")
        .first()
    )
    kind = ApplicationKind.RENEWAL if previous else ApplicationKind.FIRST
    last = organisation.agrement_applications.exclude(declared_on=None).order_by("-created_at").first()
    application = AgrementApplication.objects.create(
        departement=organisation.departement,
        organisation=organisation,
        kind=kind,
        created_by=actor.user,
        previous=previous,
        declared_on=last.declared_on if last else None,
        siret=last.siret if last else "",
        rna=last.rna if last else "",
    )
    if previous is not None and hasattr(previous, "application"):
        # A renewal names again the départements of the agrément it renews, with their establishments.
        for row in previous.application.listed_departements.all():
            ListedDepartement.objects.create(
                application=application, departement_id=row.departement_id, establishment=row.establishment
            )
    _log(
        actor,
        application,
        "start",
        "Demande de renouvellement commencée" if previous else "Demande d'agrément commencée",
        to_state=application.state,
    )
    return application


@transaction.atomic
def update_application(
    *,
    actor: Actor,
    application: AgrementApplication,
    declared_on: date | None,
    staff_count: int | None,
    qualifications: str,
    premises: str,
    siret: str = "",
    rna: str = "",
    departements=None,
    today: date | None = None,
) -> AgrementApplication:
    """The file's fields; `departements` (None: unchanged) are the other départements where the association
    will carry out the PSP (R. 121-12-3 CASF), its seat's being always included."""
    _require(actor, "approvals.prepare")
    _own(actor, application)
    if not application.is_editable:
        raise ValidationError("La demande a été déposée : elle ne peut plus être modifiée.")
    today = today or timezone.localdate()
    if declared_on and declared_on > today:
        raise ValidationError({"declared_on": "La date de déclaration ne peut pas être dans le futur."})
    if staff_count is not None and staff_count < 0:
        raise ValidationError({"staff_count": "Le nombre de personnels ne peut pas être négatif."})
    siret = "".join((siret or "").split())
    rna = (rna or "").strip().upper()
    if siret and not rules.valid_siret(siret):
        raise ValidationError(
            {"siret": "Le numéro SIRET doit compter 14 chiffres valides (clé de contrôle)."}
        )
    if rna and not rules.valid_rna(rna):
        raise ValidationError(
            {"rna": "Le numéro RNA s'écrit W suivi de 9 chiffres (par exemple W751234567)."}
        )
    application.declared_on = declared_on
    application.staff_count = staff_count
    application.qualifications = qualifications.strip()
    application.premises = premises.strip()
    application.siret, application.rna = siret, rna
    if departements is not None:
        _set_departements(application, list(departements))
    application.save()
    audit.record(actor, "update", application, detail="contenu du dossier d'agrément")
    return application


def _set_departements(application: AgrementApplication, departements: list[Departement]) -> None:
    wanted = {d.pk for d in departements}
    if application.departement_id in wanted:
        raise ValidationError(
            {"departements": "Le département du siège est toujours compris : ne le cochez pas."}
        )
    if len(wanted) > rules.MAX_LISTED_DEPARTEMENTS:
        raise ValidationError(
            {"departements": f"Cochez au plus {rules.MAX_LISTED_DEPARTEMENTS} autres départements."}
        )
    if Departement.objects.filter(pk__in=wanted).count() != len(wanted):
        raise ValidationError({"departements": "Département inconnu."})
    current = set(application.listed_departements.values_list("departement_id", flat=True))
    application.listed_departements.filter(departement_id__in=current - wanted).delete()
    for pk in sorted(wanted - current):
        ListedDepartement.objects.create(application=application, departement_id=pk)


@transaction.atomic
def add_document(
    *, actor: Actor, application: AgrementApplication, kind: str, uploaded
) -> ApplicationDocument:
    """Same checks as a PSP request's documents (core.uploads.validate_upload): judged whole, size cap."""
    _require(actor, "approvals.prepare")
    _own(actor, application)
    if not application.is_editable:
        raise ValidationError("La demande a été déposée : aucune pièce ne peut plus être ajoutée.")
    if kind not in rules.DOCUMENT_LABELS:
        raise ValidationError({"kind": "Type de pièce inconnu."})
    checked = validate_upload(uploaded)  # the bytes to store: a re-encoded image, or the PDF as sent
    document = ApplicationDocument(
        application=application,
        kind=kind,
        original_name=(uploaded.name or "")[:200],
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
def remove_document(*, actor: Actor, document: ApplicationDocument) -> None:
    _require(actor, "approvals.prepare")
    _own(actor, document.application)
    if not document.application.is_editable:
        raise ValidationError("La demande a été déposée : ses pièces ne peuvent plus être retirées.")
    audit.record(actor, "update", document.application, detail="pièce retirée")
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))


def missing_for_submission(application: AgrementApplication, today: date) -> list[str]:
    """What makes `submit_application` refuse the file (arrêté du 4 novembre 2016), one line each."""
    missing: list[str] = []
    present = set(application.documents.values_list("kind", flat=True))
    required = rules.required_documents(has_identifier=bool(application.siret or application.rna))
    missing += [f"Pièce manquante : {rules.DOCUMENT_LABELS[k]}" for k in required if k not in present]
    if application.declared_on is None:
        missing.append("La date de déclaration de l'association n'est pas indiquée.")
    elif not rules.declared_long_enough(application.declared_on, today):
        missing.append(
            f"L'association doit être déclarée depuis au moins {rules.MIN_DECLARATION_YEARS} ans "
            "(art. R. 121-12-2 CASF)."
        )
    if application.staff_count is None:
        missing.append("Le nombre de personnels n'est pas indiqué.")
    if not application.qualifications.strip():
        missing.append("Les qualifications des personnels ne sont pas décrites.")
    if not application.premises.strip():
        missing.append("Les locaux ne sont pas décrits.")
    return missing


@transaction.atomic
def submit_application(
    *, actor: Actor, application: AgrementApplication, today: date | None = None
) -> AgrementApplication:
    _require(actor, "approvals.submit")
    _own(actor, application)
    today = today or timezone.localdate()
    missing = missing_for_submission(application, today)
    if missing:
        raise ValidationError(missing)
    resubmission = application.state == ApplicationState.INCOMPLETE
    if application.submitted_on is None:
        application.submitted_on = today
    # The completeness clock runs from the receipt of the file (again from the completed file).
    application.received_on = today
    application.missing_items = []
    _transition(
        actor,
        application,
        "submit",
        "Dossier complété et déposé de nouveau" if resubmission else "Dossier déposé à la préfecture",
        day=today,
    )
    # The other départements are consulted from the first receipt of the file, within the time limit then set.
    due = dates.add_months(today, other_opinion_months(today))
    for row in application.listed_departements.filter(requested_on=None).select_related("departement"):
        row.requested_on, row.due_on = today, due
        row.save(update_fields=["requested_on", "due_on", "updated_at"])
        _log(
            actor,
            application,
            "other_opinion_asked",
            f"Avis demandé au secrétariat du département {row.departement.code}, attendu au plus tard le "
            f"{due:%d/%m/%Y}",
            day=today,
        )
    return application


# --- The secretariat: instruction ---


@transaction.atomic
def return_incomplete(
    *,
    actor: Actor,
    application: AgrementApplication,
    missing: list[str],
    comment: str = "",
    today: date | None = None,
) -> AgrementApplication:
    _require(actor, "approvals.check")
    _in_departement(actor, application)
    today = today or timezone.localdate()
    items = [m.strip() for m in missing if m and m.strip()]
    if not items:
        raise ValidationError({"missing": "Indiquez au moins un élément manquant."})
    deadline = application.completeness_deadline
    if application.state == ApplicationState.SUBMITTED and deadline and today >= deadline:
        raise ValidationError(
            f"Le délai de {rules.COMPLETENESS_DEADLINE_MONTHS} mois est écoulé : le dossier est réputé "
            f"complet depuis le {deadline:%d/%m/%Y} (art. R. 121-12-3 CASF). Déclarez-le complet."
        )
    application.missing_items = items
    application.check_comment = comment.strip()
    _transition(
        actor,
        application,
        "return_incomplete",
        "Dossier incomplet : pièces demandées à l'association",
        day=today,
        motive="; ".join(items) + (f" — {comment.strip()}" if comment.strip() else ""),
    )
    return application


@transaction.atomic
def mark_complete(
    *, actor: Actor, application: AgrementApplication, today: date | None = None
) -> AgrementApplication:
    """Declare the file complete; when the commission's opinion is required, it then waits for it."""
    _require(actor, "approvals.check")
    _in_departement(actor, application)
    today = today or timezone.localdate()
    deadline = application.completeness_deadline
    # Deemed complete at the deadline if the secretariat declares it later: that date starts the 4 months.
    application.complete_on = min(today, deadline) if deadline else today
    _transition(actor, application, "mark_complete", "Dossier déclaré complet", day=application.complete_on)
    if commission_opinion_required(today):
        _transition(
            actor,
            application,
            "send_to_commission",
            "Dossier transmis pour avis à la commission départementale",
            day=today,
        )
    return application


@transaction.atomic
def record_commission_opinion(
    *, actor: Actor, application: AgrementApplication, opinion: str, day: date, motive: str
) -> AgrementApplication:
    """The commission's opinion: favourable or unfavourable (the file then waits for the decision), or
    postponed (it keeps waiting for the commission)."""
    _require(actor, "approvals.opinion")
    _in_departement(actor, application)
    if opinion not in CommissionOpinion.values:
        raise ValidationError({"opinion": "Avis inconnu."})
    if not (motive or "").strip():
        raise ValidationError({"motive": "Le motif de l'avis est obligatoire."})
    today = timezone.localdate()
    _check_day(
        day, today, label="La date de l'avis", not_before=application.complete_on, after_label="la complétude"
    )
    if application.state != ApplicationState.AWAITING_OPINION:
        raise ValidationError(
            "Action impossible : le dossier n'attend pas l'avis de la commission "
            f"(état : « {application.get_state_display()} »)."
        )
    application.opinion, application.opinion_date, application.opinion_motive = opinion, day, motive.strip()
    label = f"Avis de la commission : {CommissionOpinion(opinion).label.lower()}"
    method = "postpone" if opinion == CommissionOpinion.POSTPONED else "review"
    _transition(actor, application, method, label, day=day, motive=motive.strip())
    return application


def opinions_pending(application: AgrementApplication, today: date) -> list[ListedDepartement]:
    """The other départements whose opinion is awaited, their time limit not passed: the decision waits."""
    return [row for row in application.others if row.opinion_pending(today)]


def _grant(actor, application, *, start: date, reference: str, tacit: bool, day: date, motive: str = ""):
    previous = application.previous
    if previous and previous.withdrawn_on is None and previous.valid_until >= start:
        # A renewal decided before the previous agrément ends: the new one follows it without gap or overlap.
        start = previous.valid_until + timedelta(days=1)
    agrement = Agrement.objects.create(
        organisation=application.organisation,
        reference=reference,
        valid_from=start,
        valid_until=rules.agrement_end(start),
        tacit=tacit,
    )
    application.agrement = agrement
    # Valid in each département listed (R. 121-12-3 CASF), whatever their opinion: the seat's prefect decides.
    application.listed_departements.update(agrement=agrement)
    label = (
        f"Agrément tacite acquis (silence de {rules.TACIT_APPROVAL_MONTHS} mois) — valable jusqu'au "
        f"{agrement.valid_until:%d/%m/%Y}"
        if tacit
        else f"Agrément accordé — arrêté {reference}, valable jusqu'au {agrement.valid_until:%d/%m/%Y}"
    )
    _transition(actor, application, "grant", label, day=day, motive=motive, agrement=agrement)
    return agrement


@transaction.atomic
def decide(
    *,
    actor: Actor,
    application: AgrementApplication,
    decision: str,
    day: date,
    reference: str = "",
    motive: str = "",
) -> AgrementApplication:
    """The prefect's decision (or recorded by the secretariat): granted for 3 years from `day`, or refused."""
    _require(actor, "approvals.decide")
    _in_departement(actor, application)
    today = timezone.localdate()
    if decision not in ApplicationDecision.values:
        raise ValidationError({"decision": "Décision inconnue."})
    if application.received_on is None:
        raise ValidationError("Action impossible : la demande n'a pas été déposée.")
    _check_day(
        day, today, label="La date de la décision", not_before=application.received_on, after_label="le dépôt"
    )
    if application.opinion_date and day < application.opinion_date:
        raise ValidationError(
            {
                "day": "La date de la décision ne peut pas précéder l'avis de la commission "
                f"({application.opinion_date:%d/%m/%Y})."
            }
        )
    state = application.state
    decidable = state == ApplicationState.REVIEWED or (
        state == ApplicationState.COMPLETE and not commission_opinion_required(today)
    )
    pending = opinions_pending(application, today)
    if decidable and pending:
        raise ValidationError(
            "Action impossible : l'avis du département "
            + ", ".join(
                f"{row.departement.code} (attendu au plus tard le {row.due_on:%d/%m/%Y})" for row in pending
            )
            + " n'est pas encore rendu."
        )
    if not decidable:
        raise ValidationError(
            "Action impossible : le dossier n'est pas prêt pour la décision "
            f"(état : « {application.get_state_display()} »)."
        )
    reference, motive = (reference or "").strip(), (motive or "").strip()
    application.decision, application.decided_on = decision, day
    application.decision_reference, application.decision_motive = reference, motive
    if decision == ApplicationDecision.GRANTED:
        if not reference:
            raise ValidationError({"reference": "La référence de l'arrêté d'agrément est obligatoire."})
        _grant(actor, application, start=day, reference=reference, tacit=False, day=day, motive=motive)
    else:
        if not motive:
            raise ValidationError({"motive": "Le motif du refus est obligatoire."})
        tacit_on = (
            application.tacit_approval_on(day)
            if False
            else rules.tacit_approval_date(application.complete_on)
        )
        if day >= tacit_on:
            raise ValidationError(
                {
                    "day": f"L'agrément tacite est acquis depuis le {tacit_on:%d/%m/%Y} : un refus n'est "
                    "plus possible, seul un retrait motivé l'est."
                }
            )
        _transition(actor, application, "refuse", "Agrément refusé", day=day, motive=motive)
    return application


@transaction.atomic
def record_tacit_approval(
    *, actor: Actor, application: AgrementApplication, today: date | None = None
) -> AgrementApplication:
    """Record the agrément acquired by 4 months of silence after the complete file (R. 121-12-3 CASF)."""
    _require(actor, "approvals.check")
    _in_departement(actor, application)
    today = today or timezone.localdate()
    tacit_on = application.tacit_approval_on(today)
    if tacit_on is None or tacit_on > today:
        raise ValidationError(
            "L'agrément tacite n'est pas acquis : le délai de "
            f"{rules.TACIT_APPROVAL_MONTHS} mois après le dossier complet n'est pas écoulé."
        )
    if application.complete_on is None:
        application.complete_on = application.effective_complete_on(today)
    application.decision, application.decided_on = ApplicationDecision.GRANTED, tacit_on
    application.decision_reference = f"Agrément tacite du {tacit_on:%d/%m/%Y}"
    _grant(
        actor, application, start=tacit_on, reference=application.decision_reference, tacit=True, day=tacit_on
    )
    return application


WITHDRAWAL_WITHOUT_HEARING = (
    "Retirer un agrément est une décision défavorable : elle n'est prise qu'après que l'association a reçu "
    "un préavis motivé et a pu présenter ses observations (CRPA L. 121-1 et L. 122-1). Engagez la procédure "
    "contradictoire (« Envisager le retrait (préavis) »), ou, si elle a été menée hors Parcours, indiquez "
    "la date de remise du préavis à l'association."
)


def _check_withdrawable(agrement: Agrement, motive: str) -> str:
    if agrement.withdrawn_on:
        raise ValidationError("Cet agrément a déjà été retiré.")
    motive = (motive or "").strip()
    if not motive:
        raise ValidationError({"motive": "Le motif du retrait est obligatoire."})
    return motive


def _check_effect(agrement: Agrement, day: date, today: date) -> None:
    _check_day(
        day,
        today,
        label="La date du retrait",
        not_before=agrement.valid_from,
        after_label="le début de l'agrément",
    )
    if day > agrement.valid_until:
        raise ValidationError({"day": "L'agrément avait déjà expiré à cette date."})


# Checks that apps above this one add before a withdrawal decided outside Parcours (appeals: no prior
# adversarial procedure under way on the same agrément, whose decision is taken at its end); each raises a
# ValidationError in French. A registry, since approvals may not import appeals (docs/architecture.md).
WITHDRAWAL_GUARDS: list = []


def register_withdrawal_guard(guard) -> None:
    if guard not in WITHDRAWAL_GUARDS:
        WITHDRAWAL_GUARDS.append(guard)


def check_withdrawal(
    *,
    agrement: Agrement,
    day: date | None,
    motive: str,
    hearing_notice_on: date | None,
    notified_on: date | None,
) -> str:
    """Every check of a withdrawal decided outside Parcours after a hearing held outside it, without writing
    (asked before the confirmation, and again by the service). Returns the motive, stripped.

    The notice of intent reached the association (not in the future, not before the agrément's start) before
    the decision, hence before its notification; the withdrawal takes effect on its notification at the
    earliest (rules.earliest_withdrawal_effect, CRPA L. 221-8)."""
    motive = _check_withdrawable(agrement, motive)
    for guard in WITHDRAWAL_GUARDS:
        guard(agrement)
    today = timezone.localdate()
    if hearing_notice_on is None:
        raise ValidationError({"hearing_notice_on": WITHDRAWAL_WITHOUT_HEARING})
    if hearing_notice_on > today:
        raise ValidationError(
            {"hearing_notice_on": "La date de remise du préavis ne peut pas être dans le futur."}
        )
    if hearing_notice_on < agrement.valid_from:
        raise ValidationError(
            {
                "hearing_notice_on": "Le préavis ne peut pas précéder le début de l'agrément "
                f"({agrement.valid_from:%d/%m/%Y})."
            }
        )
    if notified_on is None:
        raise ValidationError(
            {"notified_on": "Indiquez la date de notification de la décision de retrait à l'association."}
        )
    if notified_on > today:
        raise ValidationError({"notified_on": "La date de notification ne peut pas être dans le futur."})
    if hearing_notice_on >= notified_on:
        raise ValidationError(
            {
                "hearing_notice_on": "Le préavis est remis à l'association avant la décision, pour qu'elle "
                "puisse présenter ses observations : sa date précède celle de la notification du retrait "
                f"({notified_on:%d/%m/%Y})."
            }
        )
    _check_effect(agrement, day, today)
    earliest = rules.earliest_withdrawal_effect(notified_on)
    if day < earliest:
        raise ValidationError(
            {
                "day": "Le retrait ne prend effet qu'à sa notification à l'association (CRPA L. 221-8) : "
                f"pas avant le {earliest:%d/%m/%Y}."
            }
        )
    return motive


def _withdraw(actor, agrement, *, day, motive, hearing_notice_on, notified_on, label) -> Agrement:
    agrement.withdrawn_on, agrement.withdrawal_motive = day, motive
    agrement.hearing_notice_on, agrement.withdrawal_notified_on = hearing_notice_on, notified_on
    agrement.save()
    application = getattr(agrement, "application", None)
    if application is not None and application.state == ApplicationState.GRANTED:
        _transition(actor, application, "withdraw", label, day=day, motive=motive, agrement=agrement)
    else:
        _log(actor, application, "withdraw", label, agrement=agrement, day=day, motive=motive)
    return agrement


def _locked_agrement(actor: Actor, agrement: Agrement) -> Agrement:
    _require(actor, "approvals.withdraw")
    if agrement.organisation.departement_id != actor.departement.pk:
        raise PermissionDenied
    return Agrement.objects.select_for_update().select_related("organisation").get(pk=agrement.pk)


@transaction.atomic
def withdraw_agrement(
    *,
    actor: Actor,
    agrement: Agrement,
    day: date,
    motive: str,
    hearing_notice_on: date | None,
    notified_on: date | None,
) -> Agrement:
    """Record a withdrawal decided outside Parcours after a hearing held outside it (the notice of intent
    delivered to the association on `hearing_notice_on`, the decision notified to it on `notified_on`): from
    `day`, never before the notification, no PSP request can be sent. A withdrawal
    considered in Parcours goes through the prior adversarial procedure (parcours.appeals), which ends in
    `withdraw_after_procedure`."""
    agrement = _locked_agrement(actor, agrement)
    motive = check_withdrawal(
        agrement=agrement,
        day=day,
        motive=motive,
        hearing_notice_on=hearing_notice_on,
        notified_on=notified_on,
    )
    label = (
        f"Agrément retiré à compter du {day:%d/%m/%Y} — décision prise hors Parcours après une procédure "
        f"contradictoire menée hors Parcours (préavis remis le {hearing_notice_on:%d/%m/%Y}), notifiée à "
        f"l'association le {notified_on:%d/%m/%Y}"
    )
    return _withdraw(
        actor,
        agrement,
        day=day,
        motive=motive,
        hearing_notice_on=hearing_notice_on,
        notified_on=notified_on,
        label=label,
    )


@transaction.atomic
def withdraw_after_procedure(
    *, actor: Actor, agrement: Agrement, notified_on: date, hearing_notice_on: date, motive: str
) -> Agrement:
    """The withdrawal decided at the end of Parcours's prior adversarial procedure
    (appeals.services.record_decision_handover, which has checked the hearing and the decision): it takes
    effect on its notification to the association (rules.earliest_withdrawal_effect)."""
    agrement = _locked_agrement(actor, agrement)
    motive = _check_withdrawable(agrement, motive)
    day = rules.earliest_withdrawal_effect(notified_on)
    _check_effect(agrement, day, timezone.localdate())
    label = (
        f"Agrément retiré à compter du {day:%d/%m/%Y}, jour de la notification de la décision à "
        f"l'association (procédure contradictoire : préavis remis le {hearing_notice_on:%d/%m/%Y})"
    )
    return _withdraw(
        actor,
        agrement,
        day=day,
        motive=motive,
        hearing_notice_on=hearing_notice_on,
        notified_on=notified_on,
        label=label,
    )


# --- The other départements named in the file ---


def _listed_here(actor: Actor, listed: ListedDepartement) -> None:
    if listed.departement_id != actor.departement.pk:
        raise PermissionDenied


def check_other_opinion(
    *, actor: Actor, listed: ListedDepartement, opinion: str, day: date, motive: str
) -> str:
    """Every check of `give_other_opinion`, without writing (its confirmation page asks nothing of bad
    input). Returns the motive, stripped."""
    _require(actor, "approvals.other_opinion")
    _listed_here(actor, listed)
    application = listed.application
    if opinion not in OtherOpinion.values:
        raise ValidationError({"opinion": "Avis inconnu."})
    motive = (motive or "").strip()
    if not motive:
        raise ValidationError({"motive": "Le motif de l'avis est obligatoire."})
    today = timezone.localdate()
    _check_day(
        day, today, label="La date de l'avis", not_before=listed.requested_on, after_label="la demande d'avis"
    )
    if listed.opinion:
        raise ValidationError(f"L'avis du département a déjà été rendu le {listed.opinion_on:%d/%m/%Y}.")
    if listed.requested_on is None or application.decided_on is not None:
        raise ValidationError(
            "Action impossible : le dossier n'attend pas l'avis du département "
            f"(état : « {application.get_state_display()} »)."
        )
    return motive


@transaction.atomic
def give_other_opinion(
    *, actor: Actor, listed: ListedDepartement, opinion: str, day: date, motive: str
) -> ListedDepartement:
    """The reasoned opinion of a département named in a file instructed at another seat. Given once; the
    seat's prefect decides (R. 121-12-3 CASF)."""
    listed = (
        ListedDepartement.objects.select_for_update()
        .select_related("application", "departement")
        .get(pk=listed.pk)
    )
    motive = check_other_opinion(actor=actor, listed=listed, opinion=opinion, day=day, motive=motive)
    application = listed.application
    listed.opinion, listed.opinion_on, listed.opinion_motive, listed.opinion_by = (
        opinion,
        day,
        motive,
        actor.user,
    )
    listed.save()
    late = listed.due_on is not None and day > listed.due_on
    _log(
        actor,
        application,
        "other_opinion",
        f"Avis du département {listed.departement.code} : {OtherOpinion(opinion).label.lower()}"
        + (" (rendu après le délai)" if late else ""),
        day=day,
        motive=motive,
    )
    return listed


@transaction.atomic
def name_establishment(
    *, actor: Actor, listed: ListedDepartement, establishment: Organisation
) -> ListedDepartement:
    """Name the association's establishment in a listed département: the organisation of this département
    through which it files PSP requests here under the agrément granted at its seat."""
    _require(actor, "approvals.other_opinion")
    _listed_here(actor, listed)
    application = listed.application
    if (
        establishment is None
        or establishment.departement_id != listed.departement_id
        or establishment.kind != OrganisationKind.ASSOCIATION
        or not establishment.active
    ):
        raise ValidationError({"establishment": "Choisissez une association active de votre département."})
    if listed.agrement is not None and listed.agrement.withdrawn_on is not None:
        raise ValidationError("Cet agrément a été retiré : aucun établissement ne peut plus y être rattaché.")
    if application.state in (ApplicationState.REFUSED, ApplicationState.WITHDRAWN):
        raise ValidationError(
            f"Action impossible : la demande est close (état : « {application.get_state_display()} »)."
        )
    if listed.establishment_id == establishment.pk:
        raise ValidationError({"establishment": "Cet établissement est déjà rattaché."})
    listed.establishment = establishment
    listed.save(update_fields=["establishment", "updated_at"])
    _log(
        actor,
        application,
        "establishment",
        f"Établissement dans le département {listed.departement.code} : {establishment.name}",
    )
    return listed


@transaction.atomic
def ask_commission_opinion(
    *, actor: Actor, application: AgrementApplication, today: date | None = None
) -> AgrementApplication:
    """Send a complete file for the commission's opinion when the setting does not require it (the tacit
    clock keeps running)."""
    _require(actor, "approvals.check")
    _in_departement(actor, application)
    _transition(
        actor,
        application,
        "send_to_commission",
        "Dossier transmis pour avis à la commission départementale (avis facultatif)",
        day=today or timezone.localdate(),
    )
    return application
