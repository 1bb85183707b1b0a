"""The secretariat's board: actions of the departmental strategy past their deadline (each action once)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from parcours.core.access import Actor
from parcours.core.policies import can
from parcours.deadlines.selectors import BoardItem, BoardSection

from .selectors import overdue_actions


def conventions_board(actor: Actor, today: date) -> list[BoardSection]:
    if not can(actor, "strategy.manage"):
        return []
    items = [
        BoardItem(
            label=f"{action.title} — porteur : {action.owner}",
            url=reverse("conventions:strategy_detail", args=[action.objective.strategy.public_id])
            + f"#action-{action.public_id}",
            due=action.deadline,
            due_label="date limite",
            extra=action.get_status_display(),
        )
        for action in overdue_actions(actor.departement, today)[:200]
    ]
    return [
        BoardSection(
            "strategy_overdue",
            "Actions de la stratégie départementale en retard",
            items=items,
            verb="Faire le point avec le porteur, puis mettre à jour l'état ou l'échéance de l'action",
        )
    ]
