"""The board section of the rights register: every request not answered yet, the most overdue first, for
the association following the person and for the secretariat (RGPD art. 12.3: one month)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from parcours.core.access import Actor
from parcours.core.board import BoardItem, BoardSection, register_board_provider, section
from parcours.people.models import identity_deferred

from .selectors import open_requests


def _item(request) -> BoardItem:
    return BoardItem(
        label=f"{request.get_kind_display()} reçue le {request.received_on:%d/%m/%Y}"
        + (" (délai prolongé)" if request.extended else ""),
        url=reverse("datarights:person", args=[request.person.public_id]) + "#demandes",
        due=request.due_on,
        due_label="avant le",
        person=request.person,
    )


@register_board_provider
def rights_board(actor: Actor, today: date) -> list[BoardSection]:
    if not (actor.is_association or actor.is_secretariat):
        return []
    qs = open_requests(actor).select_related("person").defer(*identity_deferred("person"))
    return [
        section(
            "rights_requests",
            "Demandes d'exercice des droits (accès, rectification, effacement)",
            qs,
            _item,
            verb="Répondre à la personne dans le mois (RGPD, art. 12.3) et enregistrer la réponse",
        )
    ]
