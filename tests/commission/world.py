"""Member-portal objects built from a `tests.views.helpers.World` (authorisation matrix, portal tests).

The matrix's commission member, `w.actors[CM]`, holds the titular mandate of the doctor's seat and is
convened to a restricted meeting in ten days with one PSP request on its agenda.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from parcours.commission import services as cs
from parcours.commission.models import AgendaItem, Convocation, Mandate, Meeting, MeetingKind
from parcours.commission.rules import SeatCategory
from parcours.core.roles import Role
from tests.factories import make_actor

S, CM = Role.SECRETARIAT, Role.COMMISSION_MEMBER


@dataclass
class PortalWorld:
    meeting: Meeting
    item: AgendaItem
    convocation: Convocation  # w.actors[CM]'s


def _in_days(days: int, hour: int = 14):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, hour, 0))


def portal_world(w) -> PortalWorld:
    """Built once per World: a composed commission, a convened meeting, w.actors[CM] convened (doctor)."""
    if getattr(w, "_portal_world", None) is not None:
        return w._portal_world
    sec, member = w.actors[S], w.actors[CM]
    arrete = cs.create_arrete(
        actor=sec,
        reference="ARR-PORTAIL",
        signed_on=w.today - timedelta(days=30),
        mandate_start=w.today - timedelta(days=30),
    )
    doctor = cs.add_seat(actor=sec, arrete=arrete, category=SeatCategory.DOCTOR, label="Médecin désigné")
    police = cs.add_seat(actor=sec, arrete=arrete, category=SeatCategory.PUBLIC_SECURITY, label="DDSP")
    mandate = cs.appoint(actor=sec, seat=doctor, member=member.user, kind=Mandate.Kind.TITULAR)
    substitute = make_actor(CM, departement=w.departement)
    cs.appoint(actor=sec, seat=doctor, member=substitute.user, kind=Mandate.Kind.SUBSTITUTE)
    other = make_actor(CM, departement=w.departement)
    cs.appoint(actor=sec, seat=police, member=other.user, kind=Mandate.Kind.TITULAR)
    meeting = cs.schedule_meeting(
        actor=sec, kind=MeetingKind.RESTRICTED, starts_at=_in_days(10), place="Préfecture, salle 2"
    )
    item = cs.add_request_item(actor=sec, meeting=meeting, request=w.ready_pathway.requests.open().get())
    cs.convene(actor=sec, meeting=meeting)
    w._portal_world = PortalWorld(
        meeting=meeting, item=item, convocation=Convocation.objects.get(meeting=meeting, mandate=mandate)
    )
    return w._portal_world
