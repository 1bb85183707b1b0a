"""Commission objects for the authorisation matrix, built from a `tests.views.helpers.World`.

The matrix's commission member (`w.actors[CM]`) holds the titular mandate of the doctor's seat.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from parcours.commission import services as cs
from parcours.commission.models import Mandate, MeetingKind, MeetingState, PrefectDecision
from parcours.commission.rules import SeatCategory
from parcours.core.roles import Role
from parcours.pathways import services as psp
from tests.factories import make_actor, started_ago

S, CM = Role.SECRETARIAT, Role.COMMISSION_MEMBER


def composition(w):
    """An arrêté with two seats; the matrix's member is titular of the first."""
    if not hasattr(w, "_commission"):
        sec, today = w.actors[S], w.today
        arrete = cs.create_arrete(
            actor=sec,
            reference="ARR-MATRICE",
            signed_on=today - timedelta(days=30),
            mandate_start=today - timedelta(days=30),
        )
        doctor = cs.add_seat(actor=sec, arrete=arrete, category=SeatCategory.DOCTOR, label="Médecin")
        police = cs.add_seat(actor=sec, arrete=arrete, category=SeatCategory.PUBLIC_SECURITY, label="DDSP")
        mandate = cs.appoint(actor=sec, seat=doctor, member=w.actors[CM].user, kind=Mandate.Kind.TITULAR)
        other = make_actor(CM, departement=w.departement)
        cs.appoint(actor=sec, seat=police, member=other.user, kind=Mandate.Kind.TITULAR)
        spare = make_actor(CM, departement=w.departement)
        w._commission = {
            "arrete": arrete,
            "doctor": doctor,
            "police": police,
            "mandate": mandate,
            "spare": spare,
        }
    return w._commission


def _in_days(days: int):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 14, 0))


def scheduled_meeting(w):
    """A restricted meeting in ten days with a free item; a ready request waits in the pool."""
    composition(w)
    meeting = cs.schedule_meeting(
        actor=w.actors[S], kind=MeetingKind.RESTRICTED, starts_at=_in_days(10), place="Préfecture, salle 1"
    )
    item = cs.add_free_item(actor=w.actors[S], meeting=meeting, title="Point d'information")
    return meeting, item


def convened_meeting(w):
    """A convened meeting with a PSP request on its agenda."""
    meeting, _ = scheduled_meeting(w)
    request = w.ready_pathway.requests.open().get()
    item = cs.add_request_item(actor=w.actors[S], meeting=meeting, request=request)
    cs.convene(actor=w.actors[S], meeting=meeting)
    return meeting, item


def meeting_of_today(w):
    """A convened meeting moved to this morning: attendance can be recorded."""
    meeting, item = convened_meeting(w)
    type(meeting).objects.filter(pk=meeting.pk).update(starts_at=started_ago(1))
    meeting.refresh_from_db()
    return meeting, item


def held_meeting(w):
    """A meeting held this morning, every convened member present (quorum reached)."""
    meeting, item = meeting_of_today(w)
    cs.record_attendance(
        actor=w.actors[S], meeting=meeting, present_ids={c.pk for c in meeting.convocations.all()}
    )
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD
    return meeting, item


def reviewed_item(w):
    """An item of a held meeting with a favourable opinion: the prefect's decision is to prepare."""
    meeting, item = held_meeting(w)
    cs.record_item_opinion(actor=w.actors[S], item=item, opinion="favourable", motive="Projet solide")
    item.refresh_from_db()
    return meeting, item


def minutes_drafted(w):
    meeting, item = reviewed_item(w)
    cs.draft_minutes(actor=w.actors[S], meeting=meeting)
    return meeting, item


def drafted_decision(w):
    _, item = reviewed_item(w)
    return cs.draft_decision(actor=w.actors[S], item=item, outcome="authorised")


def signed_decision(w):
    decision = drafted_decision(w)
    return cs.sign_decision(actor=w.actors[Role.SIGNATORY], decision=decision, day=timezone.localdate())


def returned_decision(w):
    """A draft the signatory sent back to the secretariat with a comment."""
    return cs.return_decision(
        actor=w.actors[Role.SIGNATORY], decision=drafted_decision(w), comment="Préciser la période."
    )


def hand_recorded_decision(w):
    """A decision recorded by hand before the register, as migration 0006 leaves it: numbered, no act."""
    _, item = reviewed_item(w)
    day = timezone.localdate()
    psp.record_decision(
        actor=w.actors[Role.SIGNATORY],
        request=item.request,
        decision="authorised",
        day=day,
        reference="ARR-1",
    )
    return PrefectDecision.objects.create(
        departement=w.departement,
        request=item.request,
        pathway=item.request.pathway,
        origin=PrefectDecision.Origin.OUTSIDE,
        outcome="authorised",
        external_reference="ARR-1",
        state=PrefectDecision.State.SIGNED,
        year=day.year,
        number=999,
        reference=f"{day.year}-0999",
        signed_on=day,
    )
