"""Member-portal objects built from a `tests.views.helpers.World` (authorisation matrix).

The matrix's commission member, `w.actors[CM]`, holds the titular mandate of the doctor's seat and is
convened to a restricted meeting in ten days with one PSP request on its agenda (built by matrix_world).
"""

from __future__ import annotations

from dataclasses import dataclass

from parcours.commission.models import AgendaItem, Convocation, Meeting

from .matrix_world import composition, convened_meeting


@dataclass
class PortalWorld:
    meeting: Meeting
    item: AgendaItem
    convocation: Convocation  # w.actors[CM]'s


def portal_world(w) -> PortalWorld:
    """Built once per World."""
    if getattr(w, "_portal_world", None) is None:
        meeting, item = convened_meeting(w)
        convocation = Convocation.objects.get(meeting=meeting, mandate=composition(w)["mandate"])
        w._portal_world = PortalWorld(meeting=meeting, item=item, convocation=convocation)
    return w._portal_world
