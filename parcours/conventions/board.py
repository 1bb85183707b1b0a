"""The secretariat's board: actions of the departmental strategy past their deadline (each action once).

The section loads its most urgent actions only (core.board.section), says the true count and links to
the strategy list filtered on them (?a_traiter=actions-en-retard)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from parcours.core.access import Actor
from parcours.core.board import BoardItem, BoardSection, section
from parcours.core.policies import can

from .selectors import OVERDUE_ACTIONS_KEY, overdue_actions


def _item(action) -> BoardItem:
    return BoardItem(
        label=f"{action.title} — porteur : {action.owner}",
        url=reverse("conventions:strategy_detail", args=[action.objective.strategy.public_id])
        + f"#action-{action.public_id}",
        due=action.deadline,
        due_label="date limite",
        extra=action.get_status_display(),
    )


def conventions_board(actor: Actor, today: date) -> list[BoardSection]:
    if not can(actor, "strategy.manage"):
        return []
    board_section = section(
        "strategy_overdue",
        "Actions de la stratégie départementale en retard",
        overdue_actions(actor.departement, today),
        _item,
        verb="Faire le point avec le porteur, puis mettre à jour l'état ou l'échéance de l'action",
        more_url=reverse("conventions:strategy_list") + f"?a_traiter={OVERDUE_ACTIONS_KEY}",
    )
    board_section.overdue_total = board_section.total  # every one is past its deadline (None: all loaded)
    return [board_section]
