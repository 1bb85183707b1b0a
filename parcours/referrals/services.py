"""Every write about detections, protection reports and referrals: keyword-only, the actor first, atomic,
audited in the same transaction. A refusal is a ValidationError with a French message; nothing is saved."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from parcours.approvals.selectors import has_valid_agrement
from parcours.core import audit
from parcours.core.access import Actor
from parcours.core.models import Organisation, OrganisationKind
from parcours.core.policies import can
from parcours.people import services as people_services
from parcours.people.models import Person

from . import rules
from .models import (
    DETECTION_FIELDS,
    MINOR_AGE_BANDS,
    Detection,
    DetectionIndicator,
    DetectionSearchToken,
    DetectionState,
    IndicatorRetirement,
    ProtectionReport,
    Referral,
    ReferralState,
)
from .policies import is_own, is_receiving_association, is_withdrawable, may_edit, may_withdraw
from .selectors import indicators_offered

MINOR_NOT_REFERRED = (
    "Un·e mineur·e ne s'oriente pas vers une association avec son consentement : il relève de la protection "
    "de l'enfance. Transmettez une information préoccupante à la CRIP (ou un signalement au procureur si le "
    "danger est grave et immédiat) depuis la page du repérage."
)
CLOSE_MINOR_REFUSED = (
    "Ce repérage concerne un·e mineur·e : il ne peut pas être clos sans transmission à la protection de "
    "l'enfance ni absence de transmission justifiée. Enregistrez la transmission ou justifiez son absence."
)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _require(actor: Actor, permission: str) -> None:
    if not can(actor, permission):
        raise PermissionDenied


def _require_own(actor: Actor, detection: Detection, permission: str) -> None:
    _require(actor, permission)
    if not is_own(actor, detection):
        raise PermissionDenied


def _not_future(day: date | None, field: str, label: str, today: date) -> None:
    if day is not None and day > today:
        raise ValidationError({field: f"{label} ne peut pas être dans le futur."})


def refresh_search_tokens(detection: Detection) -> None:
    tokens = detection.search_prefix_tokens()
    DetectionSearchToken.objects.filter(detection=detection).exclude(token__in=tokens).delete()
    existing = set(DetectionSearchToken.objects.filter(detection=detection).values_list("token", flat=True))
    DetectionSearchToken.objects.bulk_create(
        [DetectionSearchToken(detection=detection, token=t) for t in sorted(tokens - existing)]
    )


# --- Detection ---------------------------------------------------------------------------------------------


def _age_band(*, detected_on: date, birth_date: date | None, age_band: str, today: date) -> str:
    """The detection's age band: derived from the birth date when one is given (a birth date under 18 makes
    the detection a minor's, whatever band was chosen), else the band chosen."""
    _not_future(detected_on, "detected_on", "La date du repérage", today)
    if birth_date:
        _not_future(birth_date, "birth_date", "La date de naissance", today)
        if birth_date.year < 1900 or birth_date >= detected_on:
            raise ValidationError({"birth_date": "La date de naissance n'est pas plausible."})
        return rules.age_band_for(birth_date, detected_on)
    if not age_band:
        raise ValidationError({"age_band": "Indiquez la tranche d'âge ou la date de naissance."})
    return age_band


@transaction.atomic
def create_detection(
    *, actor: Actor, detection: Detection, indicators, today: date | None = None
) -> Detection:
    """Record a detection for the actor's organisation. The age band is derived from the birth date when one
    is given (a birth date under 18 makes the detection a minor's, whatever band was chosen)."""
    _require(actor, "referrals.detect")
    detection.age_band = _age_band(
        detected_on=detection.detected_on,
        birth_date=detection.birth_date,
        age_band=detection.age_band,
        today=_today(today),
    )
    offered = set(indicators_offered(actor.departement).values_list("pk", flat=True))
    indicators = list(indicators)
    if any(i.pk not in offered for i in indicators):
        raise ValidationError({"indicators": "Un des signes choisis n'est pas proposé dans le département."})
    detection.is_minor = detection.age_band in MINOR_AGE_BANDS
    detection.departement = actor.departement
    detection.organisation = actor.organisation
    detection.created_by = actor.user
    detection.state = DetectionState.OPEN
    detection.refresh_indexes()
    detection.save()
    detection.indicators.set(indicators)
    refresh_search_tokens(detection)
    audit.record(
        actor, "create", detection, detail="repérage d'un·e mineur·e" if detection.is_minor else "repérage"
    )
    return detection


# What a detection's correction may change (the fields of forms.DetectionForm but the indicators).
EDITABLE_FIELDS = DETECTION_FIELDS
IDENTITY_FIELDS = frozenset({"last_name", "first_name", "birth_date", "phone"})
REPORTED_MINOR_STAYS_MINOR = (
    "Ce repérage a déjà une transmission à la protection de l'enfance : il reste celui d'un·e mineur·e. "
    "Rien n'a été modifié. Si l'âge transmis était faux, dites-le au destinataire de la transmission (CRIP "
    "ou parquet)."
)
REFERRED_ADULT_STAYS_ADULT = (
    "Ce repérage a déjà été orienté vers une association : il reste celui d'une personne majeure. Rien n'a "
    "été modifié. Si la personne est mineure, transmettez sans attendre une information préoccupante à la "
    "CRIP (ou appelez le 119) et enregistrez un nouveau repérage."
)


def require_editor(actor: Actor, detection: Detection) -> None:
    """The organisation that detected, or the département's secretariat (policies.may_edit)."""
    if not may_edit(actor, detection):
        raise PermissionDenied


@transaction.atomic
def update_detection(
    *, actor: Actor, detection: Detection, values: dict, indicators, today: date | None = None
) -> Detection:
    """Correct a detection that is not closed: age (band or birth date), sex, indicators, place and platform
    types, context, what was done, the optional identity (its blind indexes and search tokens refreshed).
    `values` holds some of EDITABLE_FIELDS. A detection with a protection report stays a minor's, one with a
    referral stays an adult's. The audit event names the fields changed, never their values."""
    require_editor(actor, detection)
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Champs non modifiables : {sorted(unknown)}")
    if detection.state == DetectionState.CLOSED:
        raise ValidationError("Ce repérage est clos : il ne peut plus être modifié.")
    new = {f: values.get(f, getattr(detection, f)) for f in EDITABLE_FIELDS}
    for text in ("context", "actions_taken", "last_name", "first_name", "phone"):
        new[text] = (new[text] or "").strip()
    new["age_band"] = _age_band(
        detected_on=new["detected_on"],
        birth_date=new["birth_date"],
        age_band=new["age_band"],
        today=_today(today),
    )
    is_minor = new["age_band"] in MINOR_AGE_BANDS
    age_field = "birth_date" if new["birth_date"] else "age_band"
    if detection.is_minor and not is_minor and detection.protection_reports.exists():
        raise ValidationError({age_field: REPORTED_MINOR_STAYS_MINOR})
    if not detection.is_minor and is_minor and detection.referrals.exists():
        raise ValidationError({age_field: REFERRED_ADULT_STAYS_ADULT})
    first_act = min(
        [
            *detection.protection_reports.values_list("sent_on", flat=True),
            *detection.referrals.values_list("referred_on", flat=True),
        ],
        default=None,
    )
    if first_act is not None and new["detected_on"] > first_act:
        raise ValidationError(
            {
                "detected_on": "La date du repérage ne peut pas suivre la transmission ou l'orientation déjà "
                f"enregistrée ({first_act:%d/%m/%Y})."
            }
        )
    # Indicators: those offered in the département, and those the detection already recorded (an indicator
    # retired since stays on the detections that noted it).
    indicators = list(indicators)
    current = set(detection.indicators.values_list("pk", flat=True))
    allowed = current | set(indicators_offered(detection.departement).values_list("pk", flat=True))
    if any(i.pk not in allowed for i in indicators):
        raise ValidationError({"indicators": "Un des signes choisis n'est pas proposé dans le département."})

    changed = [f for f in EDITABLE_FIELDS if new[f] != getattr(detection, f)]
    indicators_changed = {i.pk for i in indicators} != current
    for field in changed:
        setattr(detection, field, new[field])
    detection.is_minor = is_minor
    detection.refresh_indexes()
    detection.save()
    if indicators_changed:
        detection.indicators.set(indicators)
    if IDENTITY_FIELDS & set(changed):
        refresh_search_tokens(detection)
    labels = [
        "identité" if f in IDENTITY_FIELDS else str(Detection._meta.get_field(f).verbose_name)
        for f in changed
    ] + (["signes observés"] if indicators_changed else [])
    audit.record(
        actor,
        "update",
        detection,
        detail="repérage modifié : " + (", ".join(dict.fromkeys(labels)) or "aucun changement"),
    )
    return detection


# --- Minors: the child-protection route -------------------------------------------------------------------


@transaction.atomic
def record_protection_report(
    *,
    actor: Actor,
    detection: Detection,
    kind: str,
    sent_on: date,
    recipient: str,
    reference: str = "",
    today: date | None = None,
) -> ProtectionReport:
    """Record what was transmitted about a minor (CASF L. 226-3 to the CRIP, L. 226-4 to the prosecutor)."""
    _require_own(actor, detection, "referrals.protect")
    today = _today(today)
    if not detection.is_minor:
        raise ValidationError(
            "Ce repérage concerne une personne majeure : la transmission à la protection de l'enfance ne "
            "s'applique pas. Orientez-la, avec son consentement, vers une association agréée."
        )
    if detection.state == DetectionState.CLOSED:
        raise ValidationError("Ce repérage est clos : rien ne peut plus y être enregistré.")
    if kind not in ProtectionReport.Kind.values:
        raise ValidationError({"kind": "Choisissez le type de transmission."})
    _not_future(sent_on, "sent_on", "La date d'envoi", today)
    if sent_on < detection.detected_on:
        raise ValidationError({"sent_on": "La transmission ne peut pas précéder le repérage."})
    if not recipient.strip():
        raise ValidationError({"recipient": "Indiquez à qui la transmission a été envoyée."})
    report = ProtectionReport.objects.create(
        detection=detection,
        kind=kind,
        sent_on=sent_on,
        recipient=recipient.strip(),
        reference=reference.strip(),
        created_by=actor.user,
    )
    detection.state = DetectionState.PROTECTED
    detection.save(update_fields=["state", "updated_at"])
    audit.record(actor, "create", report, detail=f"transmission {kind}")
    return report


@transaction.atomic
def record_feedback(
    *,
    actor: Actor,
    report: ProtectionReport,
    feedback_on: date,
    feedback: str,
    notes: str = "",
    today: date | None = None,
) -> ProtectionReport:
    """The feedback received on a transmission (CASF L. 226-5: the CRIP informs the professional who sent
    the information préoccupante of what was done with it)."""
    _require_own(actor, report.detection, "referrals.protect")
    today = _today(today)
    if report.feedback_on is not None:
        raise ValidationError("Le retour sur cette transmission est déjà enregistré.")
    if feedback not in ProtectionReport.Feedback.values:
        raise ValidationError({"feedback": "Choisissez la suite donnée."})
    _not_future(feedback_on, "feedback_on", "La date du retour", today)
    if feedback_on < report.sent_on:
        raise ValidationError({"feedback_on": "Le retour ne peut pas précéder l'envoi de la transmission."})
    report.feedback_on, report.feedback, report.feedback_notes = feedback_on, feedback, notes.strip()
    report.save(update_fields=["feedback_on", "feedback", "feedback_notes", "updated_at"])
    audit.record(actor, "update", report, detail="retour sur la transmission")
    return report


def check_no_transmission(detection: Detection, reason: str) -> None:
    """What makes a justified absence of transmission impossible (checked before the confirmation too)."""
    if not detection.is_minor:
        raise ValidationError(
            "Ce repérage concerne une personne majeure : aucune transmission n'est attendue."
        )
    if detection.state == DetectionState.CLOSED:
        raise ValidationError("Ce repérage est clos : rien ne peut plus y être enregistré.")
    if detection.protection_reports.exists():
        raise ValidationError("Une transmission est déjà enregistrée pour ce repérage.")
    if detection.no_transmission_justified:
        raise ValidationError("L'absence de transmission est déjà justifiée.")
    if not reason.strip():
        raise ValidationError({"reason": "Indiquez pourquoi aucune transmission n'est faite."})


@transaction.atomic
def justify_no_transmission(*, actor: Actor, detection: Detection, reason: str) -> Detection:
    """A minor's detection leaves the boards without a transmission: the reason is kept (e.g. the situation is
    already known to the CRIP, or was reported by another professional)."""
    _require_own(actor, detection, "referrals.protect")
    check_no_transmission(detection, reason)
    detection.no_transmission_reason = reason.strip()
    detection.no_transmission_justified = True
    detection.save(update_fields=["no_transmission_reason", "no_transmission_justified", "updated_at"])
    audit.record(actor, "update", detection, detail="absence de transmission justifiée")
    return detection


def check_close(detection: Detection, day: date, reason: str, today: date) -> None:
    if detection.state == DetectionState.CLOSED:
        raise ValidationError("Ce repérage est déjà clos.")
    if (
        detection.is_minor
        and not detection.no_transmission_justified
        and not detection.protection_reports.exists()
    ):
        raise ValidationError(CLOSE_MINOR_REFUSED)
    if detection.referrals.filter(state=ReferralState.PENDING).exists():
        raise ValidationError(
            "Une orientation attend la réponse de l'association : attendez sa réponse avant de clore."
        )
    _not_future(day, "day", "La date de clôture", today)
    if day < detection.detected_on:
        raise ValidationError({"day": "La clôture ne peut pas précéder le repérage."})
    if not reason.strip():
        raise ValidationError({"reason": "Indiquez le motif de la clôture."})


@transaction.atomic
def close_detection(
    *, actor: Actor, detection: Detection, day: date, reason: str, today: date | None = None
) -> Detection:
    _require_own(actor, detection, "referrals.protect")
    check_close(detection, day, reason, _today(today))
    detection.state = DetectionState.CLOSED
    detection.closed_on, detection.closing_reason = day, reason.strip()[:200]
    detection.save(update_fields=["state", "closed_on", "closing_reason", "updated_at"])
    audit.record(actor, "transition", detection, detail="repérage clos")
    return detection


# --- Young adults: the referral with consent --------------------------------------------------------------


@transaction.atomic
def refer(
    *,
    actor: Actor,
    detection: Detection,
    association: Organisation,
    consent_given_on: date | None,
    referred_on: date,
    message: str = "",
    share_contact: bool = False,
    today: date | None = None,
) -> Referral:
    """Refer a young adult, with their recorded consent, to an association holding a valid agrément on the
    day of the referral."""
    _require_own(actor, detection, "referrals.refer")
    today = _today(today)
    if detection.is_minor:
        raise ValidationError(MINOR_NOT_REFERRED)
    if detection.state == DetectionState.CLOSED:
        raise ValidationError("Ce repérage est clos : rien ne peut plus y être enregistré.")
    if detection.referrals.filter(state__in=[ReferralState.PENDING, ReferralState.ACCEPTED]).exists():
        raise ValidationError("Une orientation de ce repérage est déjà en attente ou acceptée.")
    if consent_given_on is None:
        raise ValidationError(
            {
                "consent_given_on": "Sans le consentement de la personne, daté, aucune orientation n'est "
                "possible : recueillez-le d'abord."
            }
        )
    _not_future(referred_on, "referred_on", "La date de l'orientation", today)
    _not_future(consent_given_on, "consent_given_on", "La date du consentement", today)
    if consent_given_on > referred_on:
        raise ValidationError({"consent_given_on": "Le consentement doit précéder l'orientation."})
    if referred_on < detection.detected_on:
        raise ValidationError({"referred_on": "L'orientation ne peut pas précéder le repérage."})
    if (
        association.departement_id != detection.departement_id
        or association.kind != OrganisationKind.ASSOCIATION
        or not has_valid_agrement(association, referred_on)
    ):
        raise ValidationError(
            {
                "association": "Cette association n'a pas d'agrément valide à la date de l'orientation : "
                "choisissez une association agréée."
            }
        )
    referral = Referral.objects.create(
        detection=detection,
        association=association,
        consent_given_on=consent_given_on,
        referred_on=referred_on,
        created_by=actor.user,
        message=message.strip(),
        share_contact=share_contact,
    )
    detection.state = DetectionState.REFERRED
    detection.save(update_fields=["state", "updated_at"])
    audit.record(actor, "create", referral, detail=f"orientation vers {association.public_id}")
    return referral


def _require_receiver(actor: Actor, referral: Referral) -> None:
    if not is_receiving_association(actor, referral):
        raise PermissionDenied


WITHDRAWN_REFERRAL = (
    "Cette orientation a été retirée par le partenaire : plus rien ne peut y être enregistré."
)
WITHDRAWAL_REASON_REQUIRED = (
    "Indiquez le motif du retrait (par exemple : la personne a changé d'avis, a déménagé)."
)


def _not_withdrawn(referral: Referral) -> None:
    if referral.state == ReferralState.WITHDRAWN:
        raise ValidationError(WITHDRAWN_REFERRAL)


def check_answer(referral: Referral, accept: bool, day: date, decline_reason: str, today: date) -> None:
    _not_withdrawn(referral)
    if referral.state != ReferralState.PENDING:
        raise ValidationError("Cette orientation a déjà reçu une réponse.")
    _not_future(day, "day", "La date de la réponse", today)
    if day < referral.referred_on:
        raise ValidationError({"day": "La réponse ne peut pas précéder l'orientation."})
    if not accept and not decline_reason.strip():
        raise ValidationError({"decline_reason": "Indiquez le motif du refus : le partenaire le lira."})


@transaction.atomic
def answer_referral(
    *,
    actor: Actor,
    referral: Referral,
    accept: bool,
    day: date,
    decline_reason: str = "",
    today: date | None = None,
) -> Referral:
    _require_receiver(actor, referral)
    check_answer(referral, accept, day, decline_reason, _today(today))
    referral.state = ReferralState.ACCEPTED if accept else ReferralState.DECLINED
    referral.answered_on = day
    referral.decline_reason = "" if accept else decline_reason.strip()[:300]
    referral.save(update_fields=["state", "answered_on", "decline_reason", "updated_at"])
    if not accept:
        # The partner may refer the young person elsewhere.
        detection = referral.detection
        if detection.state == DetectionState.REFERRED:
            detection.state = DetectionState.OPEN
            detection.save(update_fields=["state", "updated_at"])
    audit.record(
        actor, "transition", referral, detail="orientation acceptée" if accept else "orientation déclinée"
    )
    return referral


@transaction.atomic
def record_first_contact(
    *, actor: Actor, referral: Referral, day: date, today: date | None = None
) -> Referral:
    _require_receiver(actor, referral)
    today = _today(today)
    _not_withdrawn(referral)
    if referral.state != ReferralState.ACCEPTED:
        raise ValidationError("Le premier contact s'enregistre sur une orientation acceptée.")
    if referral.first_contact_on is not None:
        raise ValidationError("Le premier contact est déjà enregistré.")
    _not_future(day, "day", "La date du premier contact", today)
    if day < referral.referred_on:
        raise ValidationError({"day": "Le premier contact ne peut pas précéder l'orientation."})
    referral.first_contact_on = day
    referral.save(update_fields=["first_contact_on", "updated_at"])
    audit.record(actor, "update", referral, detail="premier contact")
    return referral


def check_accompaniment(referral: Referral, day: date, today: date) -> None:
    _not_withdrawn(referral)
    if referral.state != ReferralState.ACCEPTED or referral.first_contact_on is None:
        raise ValidationError(
            "L'accompagnement commence après l'acceptation de l'orientation et le premier contact."
        )
    if referral.accompaniment_started_on is not None:
        raise ValidationError("L'accompagnement est déjà commencé : la fiche de la personne existe.")
    _not_future(day, "accompaniment_consent_on", "La date du début de l'accompagnement", today)
    if day < referral.first_contact_on:
        raise ValidationError(
            {"accompaniment_consent_on": "L'accompagnement ne peut pas commencer avant le premier contact."}
        )


@transaction.atomic
def start_accompaniment(
    *,
    actor: Actor,
    referral: Referral,
    person: Person,
    day: date,
    confirmed_other_person: bool = False,
    today: date | None = None,
) -> Person:
    """The association starts accompanying the young person: their file is opened (people's service, with
    its consent record), linked to the referral. The referring partner never sees the file."""
    _require_receiver(actor, referral)
    check_accompaniment(referral, day, _today(today))
    person = people_services.create_person(
        actor=actor,
        person=person,
        accompaniment_consent_on=day,
        confirmed_other_person=confirmed_other_person,
    )
    referral.accompaniment_started_on = day
    referral.person = person
    referral.save(update_fields=["accompaniment_started_on", "person", "updated_at"])
    audit.record(actor, "update", referral, detail="accompagnement commencé")
    return person


def check_withdraw(referral: Referral, reason: str) -> None:
    """What makes a withdrawal impossible (checked before the confirmation too)."""
    if referral.state == ReferralState.WITHDRAWN:
        raise ValidationError("Cette orientation est déjà retirée.")
    if referral.state == ReferralState.DECLINED:
        raise ValidationError("L'association a décliné cette orientation : il n'y a rien à retirer.")
    if not is_withdrawable(referral):
        raise ValidationError(
            "L'association a commencé l'accompagnement de la personne : l'orientation ne peut plus être "
            "retirée. Si la personne ne souhaite plus être accompagnée, c'est avec l'association qu'elle le "
            "dit."
        )
    if referral.detection.state == DetectionState.CLOSED:
        raise ValidationError("Ce repérage est clos : rien ne peut plus y être enregistré.")
    if not reason.strip():
        raise ValidationError({"reason": WITHDRAWAL_REASON_REQUIRED})


@transaction.atomic
def withdraw_referral(
    *, actor: Actor, referral: Referral, reason: str, today: date | None = None
) -> Referral:
    """The referring partner (or the secretariat) withdraws a referral the association has not answered, or
    accepted without starting an accompaniment: the detection is open again (to be referred elsewhere or
    closed), the association no longer reads the referral."""
    if not may_withdraw(actor, referral):
        raise PermissionDenied
    check_withdraw(referral, reason)
    referral.state = ReferralState.WITHDRAWN
    referral.withdrawn_on = _today(today)
    referral.withdrawal_reason = reason.strip()
    referral.withdrawn_by = actor.user
    referral.save(update_fields=["state", "withdrawn_on", "withdrawal_reason", "withdrawn_by", "updated_at"])
    detection = referral.detection
    if detection.state == DetectionState.REFERRED:
        detection.state = DetectionState.OPEN
        detection.save(update_fields=["state", "updated_at"])
    audit.record(actor, "transition", referral, detail="orientation retirée")
    return referral


# --- The département's indicators --------------------------------------------------------------------------


@transaction.atomic
def add_indicator(*, actor: Actor, label: str) -> DetectionIndicator:
    from django.utils.text import slugify

    _require(actor, "referrals.indicators")
    label = label.strip()
    if not label:
        raise ValidationError({"label": "Indiquez l'intitulé du signe."})
    code = (slugify(label)[:32] or "signe").strip("-")
    base, n = code, 1
    while DetectionIndicator.objects.filter(departement=actor.departement, code=code).exists():
        n += 1
        code = f"{base}-{n}"
    if indicators_offered(actor.departement).filter(label__iexact=label).exists():
        raise ValidationError({"label": "Ce signe est déjà dans la liste."})
    order = DetectionIndicator.objects.filter(departement=actor.departement).count() + 100
    indicator = DetectionIndicator.objects.create(
        departement=actor.departement, code=code, label=label, order=order
    )
    audit.record(actor, "create", indicator, detail="signe d'alerte ajouté")
    return indicator


@transaction.atomic
def retire_indicator(*, actor: Actor, indicator: DetectionIndicator) -> None:
    """Stop offering an indicator in the département's form: its own (inactive) or a national one
    (retired for the département only). Detections that recorded it keep it."""
    _require(actor, "referrals.indicators")
    if indicator.departement_id == actor.departement.pk:
        if not indicator.active:
            raise ValidationError("Ce signe est déjà retiré.")
        indicator.active = False
        indicator.save(update_fields=["active", "updated_at"])
    elif indicator.departement_id is None:
        if IndicatorRetirement.objects.filter(departement=actor.departement, indicator=indicator).exists():
            raise ValidationError("Ce signe est déjà retiré.")
        IndicatorRetirement.objects.create(
            departement=actor.departement, indicator=indicator, retired_by=actor.user
        )
    else:
        raise PermissionDenied
    audit.record(actor, "update", indicator, detail="signe d'alerte retiré")
