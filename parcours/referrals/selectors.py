"""Scoped reads of detections and referrals: 404 outside scope, every read of an identity audited.

Need-to-know (docs/reperage.md): the secretariat sees every detection of its département; a partner (or an
association that detects) only its own organisation's; an association sees the referrals it received, with
only what the referral needs; nobody else sees any.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet

from parcours.approvals.selectors import acting_associations
from parcours.core import audit
from parcours.core.access import Actor
from parcours.core.crypto import NAME_PREFIX_MAX_LETTERS, NAME_PREFIX_MIN_LETTERS, name_words, prefix_token
from parcours.core.models import Organisation
from parcours.core.policies import can
from parcours.core.roles import Role
from parcours.people.selectors import OutOfScope

from . import rules
from .models import (
    DETECTION_NAME_PREFIX,
    Detection,
    DetectionIndicator,
    DetectionSearchToken,
    DetectionState,
    ProtectionReport,
    Referral,
    ReferralState,
)


def detections_visible_to(actor: Actor | None) -> QuerySet[Detection]:
    if actor is None or not can(actor, "referrals.list"):
        return Detection.objects.none()
    base = Detection.objects.filter(departement=actor.departement)
    if actor.role == Role.SECRETARIAT:
        return base
    return base.filter(organisation=actor.organisation)


def referrals_received_by(actor: Actor | None) -> QuerySet[Referral]:
    if actor is None or not can(actor, "referrals.receive"):
        return Referral.objects.none()
    return Referral.objects.filter(association=actor.organisation, detection__departement=actor.departement)


# What calls for action on the « À traiter » board, one queryset per kind of item: the board loads the first
# few of each and counts the rest; the detection list and the list of referrals received (?a_traiter=<key>)
# show them all.


def minors_without_transmission(actor: Actor | None) -> QuerySet[Detection]:
    """Open minors' detections in scope neither transmitted to child protection nor with a justified absence
    of transmission (the flag stored in clear: nothing is decrypted)."""
    reports = ProtectionReport.objects.filter(detection=OuterRef("pk"))
    return (
        detections_visible_to(actor)
        .filter(is_minor=True, no_transmission_justified=False)
        .exclude(state=DetectionState.CLOSED)
        .filter(~Exists(reports))
    )


def referrals_awaiting_answer(actor: Actor | None) -> QuerySet[Referral]:
    return referrals_received_by(actor).filter(state=ReferralState.PENDING)


def referrals_without_first_contact(actor: Actor | None, today: date) -> QuerySet[Referral]:
    """Referrals accepted FIRST_CONTACT_WARNING_DAYS ago or more with no first contact recorded."""
    return referrals_received_by(actor).filter(
        state=ReferralState.ACCEPTED,
        first_contact_on__isnull=True,
        answered_on__lte=today - timedelta(days=rules.FIRST_CONTACT_WARNING_DAYS),
    )


# The board's kinds of items that the detection list shows in full: key → label of the list's filter.
DETECTIONS_TO_HANDLE = {
    "mineurs-sans-transmission": "Mineur·es sans transmission à la protection de l'enfance",
}
# The same for the list of referrals received.
RECEIVED_TO_HANDLE = {
    "en-attente": "Orientations en attente de votre réponse",
    "sans-premier-contact": "Orientations acceptées sans premier contact depuis "
    f"{rules.FIRST_CONTACT_WARNING_DAYS} jours",
}


def received_to_handle(actor: Actor | None, key: str, today: date) -> QuerySet[Referral]:
    """The referrals behind one kind of board item (`key` in RECEIVED_TO_HANDLE), for the received list."""
    if key == "en-attente":
        return referrals_awaiting_answer(actor)
    if key == "sans-premier-contact":
        return referrals_without_first_contact(actor, today)
    return referrals_received_by(actor)


def _get(scope, model, public_id, detail):
    try:
        return scope.get(public_id=public_id)
    except (model.DoesNotExist, ValueError, ValidationError) as exc:
        raise OutOfScope(model, public_id, detail) from exc


def get_detection_or_404(actor: Actor, public_id, *, detail: str = "repérage") -> Detection:
    """A detection in scope, its reading journaled (the page may show its identity)."""
    detection = _get(
        detections_visible_to(actor).select_related("organisation", "departement"),
        Detection,
        public_id,
        detail,
    )
    audit.record(actor, "view", detection, detail=detail)
    return detection


def get_received_referral_or_404(actor: Actor, public_id, *, detail: str = "orientation reçue") -> Referral:
    """A referral the actor's association received; the reading is journaled against its detection (the
    contact details the young person agreed to pass on may be shown)."""
    referral = _get(
        referrals_received_by(actor).select_related("detection", "association", "person"),
        Referral,
        public_id,
        detail,
    )
    audit.record(actor, "view", referral.detection, detail=detail)
    return referral


def get_made_referral_or_404(actor: Actor, public_id, *, detail: str = "orientation") -> Referral:
    """A referral of a detection in the actor's scope (the referring side: its organisation, or the
    secretariat), its reading journaled against the detection."""
    referral = _get(
        Referral.objects.filter(detection__in=detections_visible_to(actor)).select_related(
            "detection", "detection__organisation", "detection__departement", "association"
        ),
        Referral,
        public_id,
        detail,
    )
    audit.record(actor, "view", referral.detection, detail=detail)
    return referral


def search_detections(qs, text: str, *, limit: int) -> list[Detection]:
    """Search by part of a last or first name (as people.PersonQuerySet.search_name): every word of 3
    letters or more must begin a word of the names, looked up through its keyed prefix token."""
    words = [w for w in name_words(text) if len(w) >= NAME_PREFIX_MIN_LETTERS]
    if not words:
        return []
    for word in words:
        token = prefix_token(word[:NAME_PREFIX_MAX_LETTERS], label=DETECTION_NAME_PREFIX)
        qs = qs.filter(pk__in=DetectionSearchToken.objects.filter(token=token).values("detection_id"))
    long_words = [w for w in words if len(w) > NAME_PREFIX_MAX_LETTERS]
    candidates = list(qs[: limit * 4] if long_words else qs[:limit])
    if long_words:
        candidates = [
            d
            for d in candidates
            if all(
                any(n.startswith(w) for n in name_words(f"{d.last_name} {d.first_name}")) for w in long_words
            )
        ]
    return candidates[:limit]


def indicators_offered(departement) -> QuerySet[DetectionIndicator]:
    """The indicators a detection form offers in the département: the national list minus those it retired,
    and its own active ones."""
    from django.db.models import Q

    return (
        DetectionIndicator.objects.filter(Q(departement__isnull=True) | Q(departement=departement))
        .filter(active=True)
        .exclude(retirements__departement=departement)
        .order_by("departement_id", "order", "label")
    )


def approved_associations(departement, day: date) -> QuerySet[Organisation]:
    """The département's associations holding an agrément valid there on `day` (approvals' register: at their
    seat, or as the establishment of an association approved at another seat for this département)."""
    return acting_associations(departement, day).order_by("name")
