"""The commission member's sections of the "À traiter" board: convocations to answer, meetings ahead."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from parcours.core.access import Actor
from parcours.core.board import BoardItem, BoardSection, register_board_provider, section
from parcours.core.roles import Role

from .models import Ballot, Convocation, MeetingMode, MeetingState
from .selectors import member_convocations

# Meetings starting within this many days are listed with their agenda (a choice of the service).
BOARD_MEETINGS_DAYS = 15


def _label(convocation: Convocation) -> str:
    meeting = convocation.meeting
    return f"{meeting.get_kind_display()} du {meeting.day:%d/%m/%Y} — {convocation.mandate.seat.label}"


@register_board_provider
def member_board(actor: Actor, today: date) -> list[BoardSection]:
    """Two sections limited in SQL (core.board.section), both linking to « Mes séances », which lists
    every convocation of the portal window."""
    if actor is None or actor.role != Role.COMMISSION_MEMBER:
        return []
    convened = (
        member_convocations(actor)
        .filter(meeting__state=MeetingState.CONVENED)
        .order_by("meeting__starts_at", "pk")
    )
    horizon = today + timedelta(days=BOARD_MEETINGS_DAYS)
    portal = reverse("commission:portal")
    now = timezone.now()
    to_vote = (
        convened.filter(
            meeting__mode=MeetingMode.WRITTEN, meeting__starts_at__lte=now, meeting__closes_at__gt=now
        )
        .exclude(answer=Convocation.Answer.SUBSTITUTE)
        .exclude(Exists(Ballot.objects.filter(convocation=OuterRef("pk"))))
    )
    return [
        section(
            "commission_to_vote",
            "Consultations écrites de la commission : voter",
            to_vote,
            lambda c: BoardItem(
                label=f"Voter : consultation écrite — {c.mandate.seat.label}",
                url=reverse("commission:portal_meeting", args=[c.meeting.public_id]),
                due=timezone.localdate(c.meeting.closes_at),
                due_label="avant le",
            ),
            verb="Lire les résumés et voter sur chaque demande avant la clôture",
            more_url=portal,
        ),
        section(
            "commission_to_answer",
            "Convocations à la commission : répondre",
            convened.filter(answer=Convocation.Answer.PENDING),
            lambda c: BoardItem(
                label=f"Répondre à la convocation : {_label(c)}",
                url=reverse("commission:portal_meeting", args=[c.meeting.public_id]),
                due=c.meeting.day,
                due_label="séance le",
            ),
            verb="Dire si vous serez présent ou représenté",
            more_url=portal,
        ),
        section(
            "commission_upcoming",
            f"Séances de la commission dans les {BOARD_MEETINGS_DAYS} jours",
            convened.filter(meeting__starts_at__date__gte=today, meeting__starts_at__date__lte=horizon),
            lambda c: BoardItem(
                label=f"Ordre du jour : {_label(c)}",
                url=reverse("commission:portal_meeting", args=[c.meeting.public_id]),
                due=c.meeting.day,
                due_label="séance le",
                extra=c.get_answer_display(),
            ),
            verb="Préparer la séance : lire l'ordre du jour et les synthèses",
            more_url=portal,
        ),
    ]
