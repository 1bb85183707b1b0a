"""The secretariat's board section: attestations of engagement asked for, to issue or refuse."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from parcours.core.access import Actor
from parcours.core.board import BoardItem, BoardSection, register_board_provider, section
from parcours.people.models import identity_deferred

from .models import AttestationState
from .selectors import attestations_decided, attestations_to_issue

# Issued or refused attestations stay on the association's board this long.
SHOWN_DAYS = 30


def _item(attestation) -> BoardItem:
    return BoardItem(
        label=f"Attestation d'engagement — {attestation.get_purpose_display().lower()}",
        url=reverse("attestations:pathway", args=[attestation.pathway.public_id]),
        due=timezone.localdate(attestation.created_at),
        due_label="demandée le",
        person=attestation.pathway.person,
    )


def _decided_item(attestation) -> BoardItem:
    issued = attestation.state == AttestationState.ISSUED
    return BoardItem(
        label=f"Attestation d'engagement {attestation.number} délivrée : la remettre à la personne"
        if issued
        else "Attestation d'engagement refusée : lire le motif",
        url=reverse("attestations:pathway", args=[attestation.pathway.public_id]),
        due=attestation.decided_on,
        due_label="délivrée le" if issued else "refusée le",
        person=attestation.pathway.person,
    )


@register_board_provider
def attestations_board(actor: Actor, today: date) -> list[BoardSection]:
    if actor.is_association:
        decided = (
            attestations_decided(actor.organisation, today - timedelta(days=SHOWN_DAYS))
            .select_related("pathway__person")
            .defer(*identity_deferred("pathway__person"))
        )
        return [
            section(
                "attestations_decided",
                "Attestations d'engagement délivrées ou refusées",
                decided,
                _decided_item,
                verb="Remettre l'attestation à la personne, ou voir le motif du refus",
            )
        ]
    if not actor.is_secretariat:
        return []
    return [
        section(
            "attestations_to_issue",
            "Attestations d'engagement demandées",
            attestations_to_issue(actor.departement)
            .select_related("pathway__person")
            .defer(*identity_deferred("pathway__person")),
            _item,
            verb="Délivrer l'attestation (ou la refuser avec son motif)",
        )
    ]
