"""Board sections of the diagnostic territorial: the secretariat follows its campaigns; a member of an
invited organisation finds the survey to answer (through its account: no invitation link needed)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from parcours.core.access import Actor
from parcours.core.board import BoardItem, BoardSection, register_board_provider
from parcours.core.roles import Role

from .models import CampaignState, Participant
from .selectors import campaigns_for


@register_board_provider
def diagnostic_board(actor: Actor, today: date) -> list[BoardSection]:
    sections: list[BoardSection] = []
    if actor.role == Role.SECRETARIAT:
        items = []
        for campaign in campaigns_for(actor).filter(state=CampaignState.OPEN).order_by("deadline"):
            late = campaign.deadline < today
            items.append(
                BoardItem(
                    label=f"{campaign.title} — {'à clore' if late else 'réponses en cours'}",
                    url=reverse("diagnostic:campaign", args=[campaign.public_id]),
                    due=campaign.deadline,
                    due_label="date limite",
                    extra=f"{campaign.n_answered} réponse(s) sur {campaign.n_participants}",
                )
            )
        if items:
            sections.append(
                BoardSection(
                    "diagnostic",
                    "Diagnostic territorial",
                    items,
                    verb="Suivre les réponses, puis clore la campagne",
                )
            )
    if actor.role in (Role.NATIONAL_ANALYST, Role.ADMIN):
        return sections
    to_answer = (
        Participant.objects.filter(
            organisation=actor.organisation, campaign__state=CampaignState.OPEN, answered_at=None
        )
        .select_related("campaign")
        .order_by("campaign__deadline")
    )
    items = [
        BoardItem(
            label=f"Répondre au diagnostic territorial — {p.campaign.title}",
            url=reverse("diagnostic:member_entry", args=[p.public_id]),
            due=p.campaign.deadline,
            due_label="avant le",
        )
        for p in to_answer
    ]
    if items:
        sections.append(
            BoardSection(
                "diagnostic_answer",
                "Diagnostic territorial à renseigner",
                items,
                verb="Répondre au questionnaire avant la date limite",
            )
        )
    return sections
