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
from tests.factories import (
    DetectionFactory,
    OrganisationFactory,
    ProtectionReportFactory,
    make_actor,
    started_ago,
)

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
    type(meeting).objects.filter(pk=meeting.pk).update(starts_at=started_ago(1))
    meeting.refresh_from_db()
    cs.record_attendance(actor=sec, meeting=meeting, present_ids={c.pk for c in meeting.convocations.all()})
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD
    return meeting


# --- For the authorisation matrix (a `tests.views.helpers.World`) ---


def matrix_coordination(w) -> dict:
    """The matrix's commission member (`w.actors[CM]`) also holds the ASE seat, so that they are convened to
    coordination meetings; a minor's transmitted detection is ready for the agenda. Built once per World."""
    if not hasattr(w, "_coordination"):
        from .matrix_world import composition

        comp, sec = composition(w), w.actors[Role.SECRETARIAT]
        ase = cs.add_seat(
            actor=sec,
            arrete=comp["arrete"],
            category=SeatCategory.CHILD_PROTECTION,
            label="Aide sociale à l'enfance (ASE)",
        )
        cs.appoint(
            actor=sec, seat=ase, member=w.actors[Role.COMMISSION_MEMBER].user, kind=Mandate.Kind.TITULAR
        )
        w._coordination = {"ase": ase}
    return w._coordination


def matrix_scheduled(w):
    """A coordination meeting in ten days with one situation; another transmitted minor waits in the pool."""
    matrix_coordination(w)
    meeting, [item] = coordination_meeting(
        w.actors[Role.SECRETARIAT], detections=[transmitted_minor(w.departement)]
    )
    return meeting, item, transmitted_minor(w.departement)


def matrix_convened(w):
    meeting, item, _ = matrix_scheduled(w)
    cs.convene(actor=w.actors[Role.SECRETARIAT], meeting=meeting)
    return meeting, item


def matrix_held(w):
    meeting, item = matrix_convened(w)
    return hold_now(w.actors[Role.SECRETARIAT], meeting), item


def matrix_action(w):
    meeting, item = matrix_held(w)
    action = cs.record_plan_action(
        actor=w.actors[Role.SECRETARIAT],
        item=item,
        owner=matrix_coordination(w)["ase"],
        what="Évaluation de la situation",
        due_on=meeting.day,
    )
    return meeting, action


def matrix_follow_up(w):
    """A situation left open on a cancelled meeting, and a coordination meeting it is not on yet."""
    sec = w.actors[Role.SECRETARIAT]
    first, item, _ = matrix_scheduled(w)
    cs.cancel_meeting(actor=sec, meeting=first)
    meeting, _ = coordination_meeting(sec, days=20)
    for follow_up in meeting.items.all():  # brought back on scheduling: taken off to be put back by hand
        cs.remove_item(actor=sec, item=follow_up)
    return meeting, item.situation
