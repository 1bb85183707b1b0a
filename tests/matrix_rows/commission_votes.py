# ruff: noqa: E501 (one aligned column per role)
"""Matrix rows of issue 14's commission pages: proxies, reconvening without quorum, votes and dissent, written
consultation, the frozen minutes in the member portal.

The matrix's commission member (`w.actors[CM]`) holds the doctor's seat (tests/commission/matrix_world.py).
Another département's meeting or minutes answer 404: tests/commission/test_votes_and_quorum.py.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from parcours.commission import services as cs
from parcours.commission.models import Meeting
from tests.commission import matrix_world as cw
from tests.matrix_rows.base import GET, POST, Row, S, _none


def _dissent(w):
    meeting, item = cw.reviewed_item(w)
    mandate = cw.composition(w)["mandate"]
    return {"pk": meeting.public_id, "item": item.public_id}, {"mandate": mandate.public_id, "statement": ""}


def _proxy(w):
    meeting, _ = cw.meeting_of_today(w)
    doctor = meeting.convocations.get(mandate=cw.composition(w)["mandate"])
    police = meeting.convocations.exclude(pk=doctor.pk).get()
    cs.record_attendance(actor=w.actors[S], meeting=meeting, present_ids={doctor.pk})
    return {"pk": meeting.public_id}, {"giver": police.public_id, "holder": doctor.public_id}


def _reconvene(w):
    meeting, _ = cw.meeting_of_today(w)
    cs.record_attendance(actor=w.actors[S], meeting=meeting, present_ids=set())
    day = timezone.localdate() + timedelta(days=12)
    return {"pk": meeting.public_id}, {
        "day": f"{day:%Y-%m-%d}",
        "time": "14:00",
        "place": "Préfecture, salle 2",
        "confirmation": "oui",
    }


def written_consultation(w, *, open_now=True, closed=False):
    """A written consultation with the ready request, the doctor (w.actors[CM]) and the police convened."""
    cw.composition(w)
    now = timezone.now()
    meeting = cs.schedule_written_consultation(
        actor=w.actors[S],
        opens_at=now + timedelta(hours=1),
        closes_at=now + timedelta(days=5),
        reason="Renouvellement arrivant à échéance avant la prochaine séance",
    )
    item = cs.add_request_item(
        actor=w.actors[S], meeting=meeting, request=w.ready_pathway.requests.open().get()
    )
    cs.convene(actor=w.actors[S], meeting=meeting)
    if closed:
        Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=now - timedelta(days=5), closes_at=now - timedelta(hours=1)
        )
    elif open_now:
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=now - timedelta(hours=1))
    meeting.refresh_from_db()
    return meeting, item


def _written_close(w):
    meeting, _ = written_consultation(w, closed=True)
    return {"pk": meeting.public_id}, {"confirmation": "oui"}


def _vote(w):
    meeting, item = written_consultation(w)
    return {"meeting": meeting.public_id, "item": item.public_id}, {"choice": "favourable"}


def _minutes(w):
    meeting, _ = cw.minutes_drafted(w)
    cs.close_meeting(actor=w.actors[S], meeting=meeting)
    return {"minutes": meeting.minutes.public_id}, None


# fmt: off
#                                                                         S    SG   AW   AM   CM   PA   IM   NA   AD    anon
ROWS: dict[str, Row] = {
    "commission:written_create": Row(GET, _none,                        (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:dissent_add": Row(POST, _dissent,                       (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:proxy_add": Row(POST, _proxy,                           (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:reconvene": Row(POST, _reconvene,                       (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:written_close": Row(POST, _written_close,               (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:portal_vote": Row(POST, _vote,                          (403, 403, 403, 403, 302, 403, 403, 403, 403), 302),
    "commission:portal_minutes": Row(GET, _none,                        (403, 403, 403, 403, 200, 403, 403, 403, 403), 302),
    "commission:portal_minutes_pdf": Row(GET, _minutes,                 (403, 403, 403, 403, 200, 403, 403, 403, 403), 302),
}
# fmt: on
