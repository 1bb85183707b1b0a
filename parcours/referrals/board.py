"""Sections of the « À traiter » board for detections and referrals (registered from AppConfig.ready).

Each case once: a minor's detection is on its partner's board and on the secretariat's until it is transmitted
or its absence of transmission justified; a referral is on its association's board while it awaits an answer,
then while its first contact is overdue. Items name the detection's code, never an identity. Each section
loads its most urgent items only (core.board.section), says the true count and links to the list
that shows them all."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from parcours.core.access import Actor
from parcours.core.board import BoardItem, BoardSection, section
from parcours.core.policies import can

from . import rules
from .selectors import (
    minors_without_transmission,
    referrals_awaiting_answer,
    referrals_without_first_contact,
)


def _minors_section(actor: Actor) -> BoardSection:
    qs = minors_without_transmission(actor).select_related("organisation").order_by("detected_on", "pk")
    return section(
        "referrals_minors",
        "Repérages de mineur·es sans transmission à la protection de l'enfance",
        qs,
        lambda d: BoardItem(
            label=f"Repérage {d.pseudonym} ({d.get_age_band_display()}, {d.organisation})",
            url=reverse("referrals:detail", args=[d.public_id]) + "#protection",
            due=d.detected_on,
            due_label="repéré le",
        ),
        verb="Transmettre une information préoccupante (ou un signalement), "
        "ou justifier l'absence de transmission",
        more_url=reverse("referrals:list") + "?a_traiter=mineurs-sans-transmission",
    )


def _referral_item(date_field: str, due_label: str):
    def build(r) -> BoardItem:
        return BoardItem(
            label=f"Orientation {r.detection.pseudonym} ({r.detection.get_age_band_display()})",
            url=reverse("referrals:referral", args=[r.public_id]),
            due=getattr(r, date_field),
            due_label=due_label,
        )

    return build


def _association_sections(actor: Actor, today: date) -> list[BoardSection]:
    received = reverse("referrals:received")
    return [
        section(
            "referrals_to_answer",
            "Orientations reçues en attente de réponse",
            referrals_awaiting_answer(actor).select_related("detection").order_by("referred_on", "pk"),
            _referral_item("referred_on", "orientée le"),
            verb="Accepter ou décliner l'orientation",
            more_url=received + "?a_traiter=en-attente",
        ),
        section(
            "referrals_first_contact",
            f"Orientations acceptées sans premier contact depuis {rules.FIRST_CONTACT_WARNING_DAYS} jours",
            referrals_without_first_contact(actor, today)
            .select_related("detection")
            .order_by("answered_on", "pk"),
            _referral_item("answered_on", "acceptée le"),
            verb="Prendre contact avec la personne et enregistrer le premier contact",
            more_url=received + "?a_traiter=sans-premier-contact",
        ),
    ]


def referrals_board(actor: Actor, today: date) -> list[BoardSection]:
    sections: list[BoardSection] = []
    if can(actor, "referrals.list"):
        sections.append(_minors_section(actor))
    if can(actor, "referrals.receive"):
        sections += _association_sections(actor, today)
    return sections
