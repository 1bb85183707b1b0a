"""Writes about a person: atomic, audited, consent-aware."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from parcours.core import audit
from parcours.core.access import Actor
from parcours.core.crypto import blind_index
from parcours.core.models import Alert, Organisation
from parcours.core.services import raise_alert

from .models import (
    ALIAS_NAME,
    PERSON_BIRTH_DATE,
    PERSON_LAST_NAME,
    Consent,
    ConsentPurpose,
    FollowUpNote,
    IdentityDocument,
    InterpretingOccasion,
    InterpretingSession,
    Person,
    PersonAlias,
    PersonSearchToken,
    Share,
)

MERGED_RECORD = (
    "Cette fiche a été fusionnée par le secrétariat dans une autre : rien n'y est plus enregistré. "
    "Complétez la fiche gardée."
)


def _require_association(actor: Actor, person: Person | None = None) -> None:
    if not actor.is_association:
        raise PermissionDenied
    if person is not None and person.organisation_id != actor.organisation.pk:
        raise PermissionDenied
    if person is not None and person.merged_into_id:
        raise ValidationError(MERGED_RECORD)


def refresh_search_tokens(person: Person) -> None:
    """Replace the person's name-prefix tokens by those of their current names and aliases."""
    tokens = person.search_prefix_tokens()
    PersonSearchToken.objects.filter(person=person).exclude(token__in=tokens).delete()
    existing = set(PersonSearchToken.objects.filter(person=person).values_list("token", flat=True))
    PersonSearchToken.objects.bulk_create(
        [PersonSearchToken(person=person, token=t) for t in sorted(tokens - existing)]
    )


def possible_duplicates(*, actor: Actor, person: Person):
    """People of the actor's département who may be the person about to be created: same birth date, and
    a birth or usual name equal (normalised) to their birth name or one of their aliases. Merged records
    are left out. Only for those who create people (the answer is an oracle: see docs/chiffrement.md)."""
    _require_association(actor)
    names = [n for n in (person.last_name, person.usual_name) if n]
    # By birth name or by alias: a UNION of two index lookups (no OR across the aliases' join, no DISTINCT).
    by_name = (
        Person.objects.filter(
            last_name_bidx__in=[blind_index(name, label=PERSON_LAST_NAME) for name in names]
        )
        .order_by()
        .values("pk")
    )
    by_alias = (
        PersonAlias.objects.filter(name_bidx__in=[blind_index(name, label=ALIAS_NAME) for name in names])
        .order_by()
        .values("person_id")
    )
    return Person.objects.filter(
        departement=actor.departement,
        merged_into__isnull=True,
        birth_date_bidx=blind_index(person.birth_date, label=PERSON_BIRTH_DATE),
        pk__in=by_name.union(by_alias),
    )


@transaction.atomic
def create_person(
    *, actor: Actor, person: Person, accompaniment_consent_on: date, confirmed_other_person: bool = False
) -> Person:
    """Create a person accompanied by the actor's association, with their consent to the accompaniment.
    `confirmed_other_person`: the user was warned of a possible duplicate and confirmed it is someone else
    (recorded in the audit, without any name)."""
    _require_association(actor)
    person.departement = actor.departement
    person.organisation = actor.organisation
    person.created_by = actor.user
    person.refresh_indexes()
    person.save()
    refresh_search_tokens(person)
    Consent.objects.create(
        person=person,
        purpose=ConsentPurpose.ACCOMPANIMENT,
        given_on=accompaniment_consent_on,
        recorded_by=actor.user,
    )
    audit.record(actor, "create", person, detail="personne")
    if confirmed_other_person:
        audit.record(
            actor,
            "create",
            person,
            detail="doublon possible signalé à la création : « Il s'agit d'une autre personne » confirmé",
        )
    return person


@transaction.atomic
def update_person(*, actor: Actor, person: Person) -> Person:
    _require_association(actor, person)
    changed = changed_fields(person)
    person.refresh_indexes()
    person.save()
    refresh_search_tokens(person)
    audit.record(actor, "update", person, detail="identité et situation")
    for receiver in CORRECTION_RECEIVERS:
        receiver(actor=actor, person=person, fields=changed)
    return person


# Called in update_person's transaction with the names of the fields changed (never their values): the
# rectification log of parcours.datarights registers itself here at start-up (people does not import it).
CORRECTION_RECEIVERS: list = []


def register_correction_receiver(receiver):
    if receiver not in CORRECTION_RECEIVERS:
        CORRECTION_RECEIVERS.append(receiver)
    return receiver


def changed_fields(person: Person) -> list[str]:
    """The names of the editable fields of `person` whose value differs from the stored one."""
    names = [f.name for f in Person._meta.concrete_fields if f.editable and f.name not in ("id", "public_id")]
    stored = Person.objects.filter(pk=person.pk).first()
    if stored is None:
        return []
    return [name for name in names if getattr(stored, name) != getattr(person, name)]


@transaction.atomic
def add_alias(*, actor: Actor, person: Person, kind: str, name: str) -> PersonAlias:
    _require_association(actor, person)
    alias = PersonAlias.objects.create(
        person=person, kind=kind, name=name, name_bidx=blind_index(name, label=ALIAS_NAME)
    )
    refresh_search_tokens(person)
    audit.record(actor, "update", person, detail="alias ajouté")
    return alias


@transaction.atomic
def add_note(*, actor: Actor, person: Person, day: date, kind: str, text: str) -> FollowUpNote:
    _require_association(actor, person)
    if not has_active_consent(person, ConsentPurpose.ACCOMPANIMENT):
        raise ValidationError(
            "La personne a retiré son consentement à l'accompagnement : aucune note ne peut être ajoutée."
        )
    note = FollowUpNote.objects.create(
        person=person, organisation=actor.organisation, author=actor.user, date=day, kind=kind, text=text
    )
    audit.record(actor, "create", note, detail="note de suivi")
    return note


def has_active_consent(person: Person, purpose: str, partner: Organisation | None = None) -> bool:
    qs = person.consents.active().filter(purpose=purpose)
    if partner is not None:
        qs = qs.filter(partner=partner)
    return qs.exists()


@transaction.atomic
def record_consent(
    *, actor: Actor, person: Person, purpose: str, given_on: date, partner: Organisation | None = None
) -> Consent:
    _require_association(actor, person)
    if purpose == ConsentPurpose.SHARING and partner is None:
        raise ValidationError(
            {"partner": "Choisissez le partenaire avec qui la personne accepte le partage."}
        )
    if purpose != ConsentPurpose.SHARING:
        partner = None
    if has_active_consent(person, purpose, partner):
        raise ValidationError("Ce consentement est déjà recueilli et n'a pas été retiré.")
    consent = Consent.objects.create(
        person=person, purpose=purpose, partner=partner, given_on=given_on, recorded_by=actor.user
    )
    audit.record(actor, "create", consent, detail=f"consentement {purpose}")
    return consent


def check_withdrawal(consent: Consent, withdrawn_on: date) -> None:
    """What makes a withdrawal impossible, checked before the confirmation is asked and again when done."""
    if consent.withdrawn_on is not None:
        raise ValidationError("Ce consentement a déjà été retiré.")
    if withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": "Le retrait ne peut pas précéder le recueil du consentement."})


@transaction.atomic
def withdraw_consent(*, actor: Actor, consent: Consent, withdrawn_on: date) -> Consent:
    """Withdraw a consent: no further sharing for that purpose; what was already shared is flagged."""
    _require_association(actor, consent.person)
    check_withdrawal(consent, withdrawn_on)
    consent.withdrawn_on = withdrawn_on
    consent.withdrawn_by = actor.user
    consent.save(update_fields=["withdrawn_on", "withdrawn_by", "updated_at"])
    for share in consent.shares.active():
        share.revoked_at = timezone.now()
        share.flagged_after_withdrawal = True
        share.save(update_fields=["revoked_at", "flagged_after_withdrawal", "updated_at"])
        raise_alert(
            departement=consent.person.departement,
            kind=Alert.Kind.SHARED_AFTER_WITHDRAWAL,
            message=f"Consentement retiré : le dossier {consent.person.pseudonym} avait été partagé avec "
            f"{share.partner}. Demandez-lui d'effacer ce qu'il a reçu.",
            obj=consent.person,
        )
    audit.record(actor, "update", consent, detail="consentement retiré")
    return consent


@transaction.atomic
def share_with_partner(*, actor: Actor, person: Person, partner: Organisation, reason: str) -> Share:
    _require_association(actor, person)
    consent = person.consents.active().filter(purpose=ConsentPurpose.SHARING, partner=partner).first()
    if consent is None:
        raise ValidationError(
            {
                "partner": "La personne n'a pas consenti au partage avec ce partenaire, "
                "ou a retiré son consentement."
            }
        )
    if person.shares.active().filter(partner=partner).exists():
        raise ValidationError({"partner": "Le dossier est déjà partagé avec ce partenaire."})
    share = Share.objects.create(
        person=person, partner=partner, consent=consent, shared_by=actor.user, reason=reason
    )
    audit.record(actor, "share", person, detail=f"partage avec {partner.public_id}")
    return share


@transaction.atomic
def end_share(*, actor: Actor, share: Share) -> Share:
    _require_association(actor, share.person)
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at", "updated_at"])
        audit.record(actor, "share", share.person, detail=f"fin du partage avec {share.partner.public_id}")
    return share


# Interpreting costs above this are refused as a typing error (a session of a day costs a few hundred euros).
MAX_INTERPRETING_COST = Decimal("5000")


@transaction.atomic
def record_interpreting(
    *,
    actor: Actor,
    person: Person,
    day: date,
    occasion: str,
    language: str,
    interpreter: str,
    mode: str,
    duration_minutes: int,
    cost: Decimal,
    consent: Consent | None = None,
) -> InterpretingSession:
    """An interpreter was present (at the consent, the signature of the commitments, a notification, an
    interview): who, in which language, how long, at what cost to the association."""
    _require_association(actor, person)
    if day > timezone.localdate():
        raise ValidationError({"day": "La date ne peut pas être dans le futur."})
    if cost < 0 or cost > MAX_INTERPRETING_COST:
        raise ValidationError({"cost": f"Le coût doit être compris entre 0 et {MAX_INTERPRETING_COST} €."})
    if not 0 < duration_minutes <= 24 * 60:
        raise ValidationError({"duration_minutes": "La durée doit être comprise entre 1 et 1440 minutes."})
    if consent is not None:
        if consent.person_id != person.pk:
            raise ValidationError({"consent": "Ce consentement n'est pas celui de cette personne."})
        if occasion != InterpretingOccasion.CONSENT:
            raise ValidationError(
                {"consent": "Un consentement ne se rattache qu'à une séance de recueil du consentement."}
            )
    if not language.strip() or not interpreter.strip():
        raise ValidationError("Indiquez la langue et l'interprète.")
    session = InterpretingSession.objects.create(
        person=person,
        organisation=actor.organisation,
        day=day,
        occasion=occasion,
        consent=consent,
        language=language.strip(),
        interpreter=interpreter.strip(),
        mode=mode,
        duration_minutes=duration_minutes,
        cost=cost,
        recorded_by=actor.user,
    )
    audit.record(actor, "create", session, detail=f"interprétariat ({occasion})")
    return session


@transaction.atomic
def record_identity_document(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    available: bool,
    unavailable_motive: str = "",
    substitute: str = "",
    number: str = "",
    details: str = "",
) -> IdentityDocument:
    """The person's identity document, or why it is unavailable (with a substitute if any): an unavailable
    document never blocks a request (pathways.services.missing_for_submission)."""
    _require_association(actor, person)
    if not available and not unavailable_motive:
        raise ValidationError({"unavailable_motive": "Indiquez pourquoi la pièce est indisponible."})
    if available:
        unavailable_motive, substitute = "", ""
    document = IdentityDocument.objects.create(
        person=person,
        kind=kind,
        available=available,
        unavailable_motive=unavailable_motive,
        substitute=substitute,
        number=number.strip(),
        details=details.strip(),
        recorded_by=actor.user,
    )
    audit.record(actor, "update", person, detail="pièce d'identité enregistrée")
    return document


def identity_unavailable(person: Person) -> IdentityDocument | None:
    """The latest record of the person's identity document when it says the document is unavailable."""
    latest = person.identity_documents.order_by("-created_at", "-pk").first()
    return latest if latest is not None and not latest.available else None
