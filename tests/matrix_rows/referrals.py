# ruff: noqa: E501 (one aligned column per role)
"""Authorisation-matrix rows of detections, protection reports and referrals (parcours/referrals).

The detection belongs to the partner advisor's organisation (a Mission Locale): the secretariat sees it,
the partner acts on it, an association (another organisation) gets 404; the referral goes to L'Escale,
whose worker and manager answer it. The partner and the secretariat correct the detection and withdraw its
referral; L'Escale, which received the referral, does not reach the withdrawal (404)."""

from __future__ import annotations

from django.utils import timezone

from parcours.referrals import services
from parcours.referrals.models import DetectionIndicator
from tests.matrix_rows.base import AW, GET, PA, POST, Row, S, _date, _none
from tests.referrals.helpers import detection


def _minor(w):
    return detection(w.actors[PA], minor=True)


def _adult(w):
    return detection(w.actors[PA])


def _detail(w):
    return {"pk": _minor(w).public_id}, None


def _report(w):
    d = _minor(w)
    return {"pk": d.public_id}, {
        "kind": "ip",
        "sent_on": _date(d.detected_on),
        "recipient": "CRIP 99",
        "reference": "IP-1",
    }


def _feedback(w):
    d = _minor(w)
    report = services.record_protection_report(
        actor=w.actors[PA], detection=d, kind="ip", sent_on=d.detected_on, recipient="CRIP 99"
    )
    prefix = f"r{report.pk}"
    return {"pk": d.public_id, "report": report.public_id}, {
        f"{prefix}-feedback_on": _date(w.today),
        f"{prefix}-feedback": "evaluation",
        f"{prefix}-notes": "",
    }


def _no_transmission(w):
    return {"pk": _minor(w).public_id}, {"reason": "Déjà connue de la CRIP", "confirmation": "oui"}


def _refer(w):
    return {"pk": _adult(w).public_id}, {
        "association": str(w.association.public_id),
        "consent_given_on": _date(w.today),
        "referred_on": _date(w.today),
        "message": "Jeune rencontrée au forum",
    }


def _close(w):
    return {"pk": _adult(w).public_id}, {
        "day": _date(w.today),
        "reason": "Plus de nouvelles",
        "confirmation": "oui",
    }


def _referral(w, *, accepted=False, contacted=False):
    today = timezone.localdate()
    referral = services.refer(
        actor=w.actors[PA],
        detection=_adult(w),
        association=w.association,
        consent_given_on=today,
        referred_on=today,
        share_contact=True,
    )
    if accepted:
        services.answer_referral(actor=w.actors[AW], referral=referral, accept=True, day=today)
    if contacted:
        services.record_first_contact(actor=w.actors[AW], referral=referral, day=today)
    return referral


def _referral_page(w):
    return {"pk": _referral(w).public_id}, None


def _answer(w):
    return {"pk": _referral(w).public_id}, {
        "decision": "accept",
        "day": _date(w.today),
        "decline_reason": "",
        "confirmation": "oui",
    }


def _first_contact(w):
    return {"pk": _referral(w, accepted=True).public_id}, {"day": _date(w.today)}


def _accompaniment(w):
    return {"pk": _referral(w, accepted=True, contacted=True).public_id}, None


def _update(w):
    return {"pk": _minor(w).public_id}, None


def _withdraw(w):
    return {"pk": _referral(w, accepted=True, contacted=True).public_id}, {
        "reason": "La personne a changé d'avis",
        "confirmation": "oui",
    }


def _indicator_retire(w):
    own = services.add_indicator(actor=w.actors[S], label="Signe local de test")
    assert DetectionIndicator.objects.filter(pk=own.pk).exists()
    return {"pk": own.public_id}, {"confirmation": "oui"}


# fmt: off
#                                                                       S    SG   AW   AM   CM   PA   IM   NA   AD    anon
ROWS: dict[str, Row] = {
    "referrals:list": Row(GET, _none,                                 (200, 403, 200, 200, 403, 200, 403, 403, 403), 302),
    "referrals:create": Row(GET, _none,                               (403, 403, 200, 200, 403, 200, 403, 403, 403), 302),
    "referrals:associations": Row(GET, _none,                         (200, 403, 200, 200, 403, 200, 403, 403, 403), 302),
    "referrals:indicators": Row(GET, _none,                           (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "referrals:indicator_retire": Row(POST, _indicator_retire,        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "referrals:received": Row(GET, _none,                             (403, 403, 200, 200, 403, 403, 403, 403, 403), 302),
    "referrals:referral": Row(GET, _referral_page,                    (403, 403, 200, 200, 403, 403, 403, 403, 403), 302),
    "referrals:answer": Row(POST, _answer,                            (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "referrals:first_contact": Row(POST, _first_contact,              (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "referrals:accompaniment": Row(GET, _accompaniment,               (403, 403, 200, 200, 403, 403, 403, 403, 403), 302),
    "referrals:detail": Row(GET, _detail,                             (200, 403, 404, 404, 403, 200, 403, 403, 403), 302),
    "referrals:report": Row(POST, _report,                            (403, 403, 404, 404, 403, 302, 403, 403, 403), 302),
    "referrals:feedback": Row(POST, _feedback,                        (403, 403, 404, 404, 403, 302, 403, 403, 403), 302),
    "referrals:no_transmission": Row(POST, _no_transmission,          (403, 403, 404, 404, 403, 302, 403, 403, 403), 302),
    "referrals:refer": Row(POST, _refer,                              (403, 403, 404, 404, 403, 302, 403, 403, 403), 302),
    "referrals:close": Row(POST, _close,                              (403, 403, 404, 404, 403, 302, 403, 403, 403), 302),
    "referrals:update": Row(GET, _update,                             (200, 403, 404, 404, 403, 200, 403, 403, 403), 302),
    "referrals:withdraw": Row(POST, _withdraw,                        (302, 403, 404, 404, 403, 302, 403, 403, 403), 302),
}
# fmt: on
