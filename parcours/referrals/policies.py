"""Who may do what on detections, protection reports and referrals: registered into the permission matrix,
and `abilities` for templates. Scoping (which detection) lives in selectors.py."""

from __future__ import annotations

from parcours.core.access import Actor
from parcours.core.policies import AM, AW, PA, S, can, register

PERMISSIONS = {
    # Record a detection: a partner advisor, or an association's worker who meets a young person.
    "referrals.detect": {PA, AW, AM},
    # The detections list and pages: the secretariat (its département), a partner its own organisation's.
    "referrals.list": {S, PA, AW, AM},
    # The child-protection route and the referral: the organisation that detected.
    "referrals.protect": {PA, AW, AM},
    "referrals.refer": {PA, AW, AM},
    # Correct a detection, withdraw its referral: the organisation that detected, or the secretariat.
    "referrals.edit": {S, PA, AW, AM},
    "referrals.withdraw": {S, PA, AW, AM},
    # The associations holding a valid agrément (whom a partner may refer to).
    "referrals.associations": {S, PA, AW, AM},
    # Referrals received by an association: answer, first contact, accompaniment.
    "referrals.receive": {AW, AM},
    # The département's list of indicators.
    "referrals.indicators": {S},
}


def register_permissions() -> None:
    register(PERMISSIONS)


def is_own(actor: Actor | None, detection) -> bool:
    """The one ownership rule: a detection belongs to the organisation that recorded it."""
    return actor is not None and detection.organisation_id == actor.organisation.pk


def is_own_or_secretariat(actor: Actor | None, detection) -> bool:
    """Correcting a detection and withdrawing its referral: its organisation, or its département's
    secretariat."""
    return is_own(actor, detection) or (
        actor is not None and actor.is_secretariat and detection.departement_id == actor.departement.pk
    )


def may_edit(actor: Actor | None, detection) -> bool:
    return can(actor, "referrals.edit") and is_own_or_secretariat(actor, detection)


def may_withdraw(actor: Actor | None, referral) -> bool:
    return can(actor, "referrals.withdraw") and is_own_or_secretariat(actor, referral.detection)


def is_withdrawable(referral) -> bool:
    """Not yet answered, or accepted with no accompaniment started."""
    from .models import ReferralState

    return referral.state == ReferralState.PENDING or (
        referral.state == ReferralState.ACCEPTED and referral.accompaniment_started_on is None
    )


def abilities(actor: Actor, detection) -> dict[str, bool]:
    from .models import DetectionState, ReferralState

    own = is_own(actor, detection)
    open_ = detection.state != DetectionState.CLOSED
    reports = list(detection.protection_reports.all())
    referrals = list(detection.referrals.all())
    live_referral = any(r.state in (ReferralState.PENDING, ReferralState.ACCEPTED) for r in referrals)
    withdrawable = [r for r in referrals if is_withdrawable(r)]
    protect = own and can(actor, "referrals.protect") and detection.is_minor
    return {
        "report": protect and open_,
        "feedback": protect,
        "justify": protect and open_ and not reports and not detection.no_transmission_justified,
        "refer": own
        and can(actor, "referrals.refer")
        and not detection.is_minor
        and open_
        and not live_referral,
        "close": own and can(actor, "referrals.protect") and open_,
        "edit": may_edit(actor, detection) and open_,
        "withdraw": bool(withdrawable) and open_ and may_withdraw(actor, withdrawable[0]),
    }


def is_receiving_association(actor: Actor | None, referral) -> bool:
    return (
        actor is not None
        and actor.is_association
        and can(actor, "referrals.receive")
        and referral.association_id == actor.organisation.pk
    )
