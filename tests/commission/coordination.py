"""Builders for the coordination formation (minors' individual pathways): its seats and members, minors'
detections transmitted to child protection, a coordination meeting. Used by the tests of the app, the
authorisation matrix and the browser test."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from parcours.commission import services as cs
from parcours.commission.models import Mandate, MeetingKind, MeetingState
from parcours.commission.rules import SeatCategory
from parcours.core.models import OrganisationKind
from parcours.core.roles import Role
from parcours.referrals.models import DetectionIndicator, ProtectionReport
from tests.factories import DetectionFactory, OrganisationFactory, ProtectionReportFactory, make_actor

# The child-protection seats of the arrêté, named as the arrêté names them.
CHILD_PROTECTION_SEATS = [
    ("ase", "Aide sociale à l'enfance (ASE)"),
    ("crip", "Cellule de recueil des informations préoccupantes (CRIP)"),
    ("pjj", "Protection judiciaire de la jeunesse (PJJ)"),
]

CONTEXT_CANARY = "Contexte Ortolanine confié par la Mission Locale"
FEEDBACK_CANARY = "Précision Bécasseline sur le retour de la CRIP"
ACTIONS_CANARY = "Démarche Grèbeline entreprise"


def add_child_protection_seats(sec, arrete) -> dict:
    """ASE, CRIP and PJJ seats, each with a titular member: {name: (seat, actor, mandate)}."""
    result = {}
    departement = arrete.departement
    for name, label in CHILD_PROTECTION_SEATS:
        organisation = OrganisationFactory(departement=departement, kind=OrganisationKind.OTHER)
        seat = cs.add_seat(
            actor=sec,
            arrete=arrete,
            category=SeatCategory.CHILD_PROTECTION,
            label=label,
            organisation=organisation,
        )
        actor = make_actor(Role.COMMISSION_MEMBER, organisation)
        mandate = cs.appoint(actor=sec, seat=seat, member=actor.user, kind=Mandate.Kind.TITULAR)
        result[name] = (seat, actor, mandate)
    return result


def transmitted_minor(departement, *, identified=False, feedback=True):
    """A minor's detection by a Mission Locale of `departement`, with two indicators and an information
    préoccupante to the CRIP (with its feedback unless `feedback` is False). Canary free texts everywhere the
    partner may type."""
    mission_locale = OrganisationFactory(departement=departement, kind=OrganisationKind.MISSION_LOCALE)
    detection = DetectionFactory(
        minor=True,
        identified=identified,
        organisation=mission_locale,
        context=CONTEXT_CANARY,
        actions_taken=ACTIONS_CANARY,
    )
    detection.indicators.set(
        DetectionIndicator.objects.filter(departement__isnull=True).order_by("order")[:2]
    )
    report = ProtectionReportFactory(detection=detection, recipient="CRIP — cellule Sarcelline")
    if feedback:
        report.feedback = ProtectionReport.Feedback.ADMINISTRATIVE
        report.feedback_on = report.sent_on + timedelta(days=5)
        report.feedback_notes = FEEDBACK_CANARY
        report.save()
    return detection


def in_days(days: int, hour: int = 10):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, hour, 0))


def coordination_meeting(sec, *, days=10, detections=()):
    """A coordination meeting in `days` days with the situations of `detections` on its agenda."""
    meeting = cs.schedule_meeting(
        actor=sec, kind=MeetingKind.COORDINATION, starts_at=in_days(days), place="Hôtel du département"
    )
    items = [cs.add_situation_item(actor=sec, meeting=meeting, detection=d) for d in detections]
    return meeting, items


def hold_now(sec, meeting):
    """Move a convened meeting to this morning and record every convened member present."""
    type(meeting).objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    meeting.refresh_from_db()
    cs.record_attendance(actor=sec, meeting=meeting, present_ids={c.pk for c in meeting.convocations.all()})
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD
    return meeting
