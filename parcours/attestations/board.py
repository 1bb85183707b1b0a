"""The secretariat's board section: attestations of engagement asked for, to issue or refuse."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone

from parcours.core.access import Actor
from parcours.deadlines.selectors import BoardItem, BoardSection, register_board_provider, section
from parcours.people.models import identity_deferred

from .selectors import attestations_to_issue


def _item(attestation) -> BoardItem:
    return BoardItem(
        label=f"Attestation d'engagement — {attestation.get_purpose_display().lower()}",
        url=reverse("attestations:pathway", args=[attestation.pathway.public_id]),
        due=timezone.localdate(attestation.created_at),
        due_label="demandée le",
        person=attestation.pathway.person,
    )


@register_board_provider
def attestations_board(actor: Actor, today: date) -> list[BoardSection]:
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
