"""Sections of the « À traiter » board for detections and referrals (registered from AppConfig.ready).

Each case once: a minor's detection is on its partner's board and on the secretariat's until it is transmitted
or its absence of transmission justified; a referral is on its association's board while it awaits an answer,
then while its first contact is overdue. Items name the detection's code, never an identity."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse

from parcours.core.access import Actor
from parcours.core.policies import can
from parcours.deadlines.selectors import BoardItem, BoardSection

from . import rules
from .models import DetectionState, ReferralState
from .selectors import detections_visible_to, referrals_received_by


def minors_without_transmission(qs) -> list:
    """Minors' detections neither transmitted nor with a justified absence of transmission (the reason is
    encrypted: it is checked once decrypted, on the few open minors' detections without a report)."""
    candidates = (
        qs.filter(is_minor=True, protection_reports__isnull=True)
        .exclude(state=DetectionState.CLOSED)
        .select_related("organisation")
        .order_by("detected_on")
    )
    return [d for d in candidates if not d.no_transmission_reason]


def _minors_section(actor: Actor) -> BoardSection:
    qs = minors_without_transmission(detections_visible_to(actor))
    return BoardSection(
        "referrals_minors",
        "Repérages de mineur·es sans transmission à la protection de l'enfance",
        verb="Transmettre une information préoccupante (ou un signalement), "
        "ou justifier l'absence de transmission",
        items=[
            BoardItem(
                label=f"Repérage {d.pseudonym} ({d.get_age_band_display()}, {d.organisation})",
                url=reverse("referrals:detail", args=[d.public_id]) + "#protection",
                due=d.detected_on,
                due_label="repéré le",
            )
            for d in qs[:200]
        ],
    )


def _association_sections(actor: Actor, today: date) -> list[BoardSection]:
    received = referrals_received_by(actor).select_related("detection")
    pending = received.filter(state=ReferralState.PENDING).order_by("referred_on")
    late = received.filter(
        state=ReferralState.ACCEPTED,
        first_contact_on__isnull=True,
        answered_on__lte=today - timedelta(days=rules.FIRST_CONTACT_WARNING_DAYS),
    ).order_by("answered_on")
    return [
        BoardSection(
            "referrals_to_answer",
            "Orientations reçues en attente de réponse",
            verb="Accepter ou décliner l'orientation",
            items=[
                BoardItem(
                    label=f"Orientation {r.detection.pseudonym} ({r.detection.get_age_band_display()})",
                    url=reverse("referrals:referral", args=[r.public_id]),
                    due=r.referred_on,
                    due_label="orientée le",
                )
                for r in pending[:200]
            ],
        ),
        BoardSection(
            "referrals_first_contact",
            f"Orientations acceptées sans premier contact depuis {rules.FIRST_CONTACT_WARNING_DAYS} jours",
            verb="Prendre contact avec la personne et enregistrer le premier contact",
            items=[
                BoardItem(
                    label=f"Orientation {r.detection.pseudonym} ({r.detection.get_age_band_display()})",
                    url=reverse("referrals:referral", args=[r.public_id]),
                    due=r.answered_on,
                    due_label="acceptée le",
                )
                for r in late[:200]
            ],
        ),
    ]


def referrals_board(actor: Actor, today: date) -> list[BoardSection]:
    sections: list[BoardSection] = []
    if can(actor, "referrals.list"):
        sections.append(_minors_section(actor))
    if can(actor, "referrals.receive"):
        sections += _association_sections(actor, today)
    return sections
