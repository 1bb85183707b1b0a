"""Writes on attestations of engagement: asked for by the association, issued or refused by the secretariat.
Atomic, audited; an issued attestation is numbered in the département's register and frozen (PDF with its
SHA-256, encrypted at rest) by the documents app."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from parcours.core import audit
from parcours.core.access import Actor
from parcours.core.models import Departement
from parcours.core.policies import can
from parcours.documents import services as documents
from parcours.pathways.models import Pathway, RequestKind

from . import rules
from .documents import ENGAGEMENT
from .models import Attestation, AttestationState
from .policies import is_own, pathway_is_current

NOT_CURRENT = (
    "Le parcours n'a pas de période d'autorisation en cours : aucune attestation d'engagement ne peut être "
    "délivrée."
)


@transaction.atomic
def request_attestation(*, actor: Actor, pathway: Pathway, purpose: str, recipient: str = "") -> Attestation:
    if not (can(actor, "attestations.request") and is_own(actor, pathway)):
        raise PermissionDenied
    if purpose not in rules.Purpose.values:
        raise ValidationError({"purpose": "Choisissez l'objet de l'attestation."})
    if not pathway_is_current(pathway):
        raise ValidationError(NOT_CURRENT)
    if pathway.attestations.filter(state=AttestationState.REQUESTED, purpose=purpose).exists():
        raise ValidationError({"purpose": "Une attestation pour cet objet est déjà demandée, en attente."})
    attestation = Attestation.objects.create(
        departement=pathway.departement,
        pathway=pathway,
        purpose=purpose,
        recipient=recipient.strip(),
        requested_by=actor.user,
    )
    audit.record(actor, "create", attestation, detail=f"attestation d'engagement demandée ({purpose})")
    return attestation


def _locked(actor: Actor, attestation: Attestation) -> Attestation:
    if not can(actor, "attestations.issue") or attestation.departement_id != actor.departement.pk:
        raise PermissionDenied
    attestation = (
        Attestation.objects.select_for_update()
        .select_related("pathway__person", "pathway__association")
        .get(pk=attestation.pk)
    )
    if attestation.state != AttestationState.REQUESTED:
        raise ValidationError("Cette attestation a déjà été délivrée ou refusée.")
    return attestation


def check_issue(attestation: Attestation) -> None:
    """What makes the issue impossible (checked before the confirmation, and again when done)."""
    if attestation.state != AttestationState.REQUESTED:
        raise ValidationError("Cette attestation a déjà été délivrée ou refusée.")
    if not pathway_is_current(attestation.pathway):
        raise ValidationError(NOT_CURRENT)


def attestation_context(attestation: Attestation, number: str) -> dict:
    """The fields of the document. Holds the person's identity: the document is encrypted at rest."""
    pathway = attestation.pathway
    person = pathway.person
    period = pathway.last_period
    first = pathway.requests.filter(kind=RequestKind.INITIAL).exclude(decision_date=None).first()
    feminine = person.sex == "F"
    interested = "l'intéressée" if feminine else "l'intéressé"
    return {
        "personne": {
            "civilite": {"F": "Madame", "M": "Monsieur"}.get(person.sex, ""),
            "prenom": person.first_name,
            "nom": person.last_name.upper(),
            "naissance": person.birth_date,
            # Agreements follow the recorded sex: no inclusive writing in an act.
            "ne": "née" if feminine else "né",
            "engage": "engagée" if feminine else "engagé",
            "accompagne": "accompagnée" if feminine else "accompagné",
        },
        "association": pathway.association.name,
        "parcours": {"autorise_le": first.decision_date if first else period.start},
        "periode": {"numero": period.number, "debut": period.start, "fin": period.end},
        "attestation": {
            "numero": number,
            "objet": attestation.get_purpose_display(),
            "texte_objet": rules.PURPOSE_TEXTS[attestation.purpose].format(interesse=interested),
            "destinataire": attestation.recipient,
        },
    }


@transaction.atomic
def issue_attestation(*, actor: Actor, attestation: Attestation) -> Attestation:
    """Number the attestation in the register of its département and year, render it and freeze it: the
    PDF, signed for the prefect by the letterhead's delegation, never changes again."""
    attestation = _locked(actor, attestation)
    check_issue(attestation)
    today = timezone.localdate()
    # The register's numbers are drawn one at a time per département (its row locked on PostgreSQL; SQLite's
    # immediate transactions already serialise writers).
    Departement.objects.select_for_update().filter(pk=attestation.departement_id).exists()
    last = Attestation.objects.filter(departement=attestation.departement, year=today.year).aggregate(
        n=Max("sequence")
    )["n"]
    sequence = (last or 0) + 1
    number = rules.number_of(today.year, sequence)
    document = documents.create_document(
        actor=actor,
        kind=ENGAGEMENT,
        context=attestation_context(attestation, number),
        title=f"Attestation d'engagement {number}",
        related=attestation.pathway,
        freeze=True,
    )
    attestation.state = AttestationState.ISSUED
    attestation.year, attestation.sequence = today.year, sequence
    attestation.decided_by, attestation.decided_on = actor.user, today
    attestation.document = document
    attestation.save()
    audit.record(actor, "transition", attestation, detail=f"attestation d'engagement délivrée n° {number}")
    return attestation


@transaction.atomic
def refuse_attestation(*, actor: Actor, attestation: Attestation, motive: str) -> Attestation:
    attestation = _locked(actor, attestation)
    motive = motive.strip()
    if not motive:
        raise ValidationError({"motive": "Indiquez le motif du refus : l'association le lira."})
    attestation.state = AttestationState.REFUSED
    attestation.decided_by, attestation.decided_on = actor.user, timezone.localdate()
    attestation.refusal_motive = motive
    attestation.save()
    audit.record(actor, "transition", attestation, detail="attestation d'engagement refusée")
    return attestation
