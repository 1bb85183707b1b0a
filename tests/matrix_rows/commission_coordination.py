# ruff: noqa: E501 (one aligned column per role)
"""Matrix rows of the coordination formation of minors' individual pathways (secretariat and member portal).

The matrix's commission member also holds the ASE seat (tests/commission/coordination.py) and is convened to
the coordination meeting; a PSP member, a member not convened, and every other role: tests/commission/
test_coordination_views.py.
"""

from __future__ import annotations

from tests.commission import coordination as co
from tests.matrix_rows.base import GET, POST, Row


def _scheduled(data):
    def build(w):
        meeting, item, waiting = co.matrix_scheduled(w)
        return {"pk": meeting.public_id}, data(meeting, item, waiting)

    return build


def _item(builder, data):
    def build(w):
        meeting, item = builder(w)
        return {"pk": meeting.public_id, "item": item.public_id}, data(w, meeting)

    return build


def _scheduled_item(w):
    meeting, item, _ = co.matrix_scheduled(w)
    return meeting, item


def _action(w):
    meeting, action = co.matrix_action(w)
    return {"pk": meeting.public_id, "action": action.public_id}, {"status": "done"}


def _follow_up(w):
    meeting, situation = co.matrix_follow_up(w)
    return {"pk": meeting.public_id}, {"situation": situation.public_id}


def _portal(w):
    meeting, item = co.matrix_convened(w)
    return {"meeting": meeting.public_id, "item": item.public_id}, None


def _plan(w, meeting):
    return {
        "owner": f"siege-{co.matrix_coordination(w)['ase'].public_id}",
        "what": "Évaluation",
        "due_on": meeting.day.isoformat(),
    }


# fmt: off
#                                                                         S    SG   AW   AM   CM   PA   IM   NA   AD    anon
ROWS: dict[str, Row] = {
    "commission:item_add_situation": Row(POST, _scheduled(lambda m, i, d: {"detection": d.public_id}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:item_add_follow_up": Row(POST, _follow_up,             (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:situation_summary": Row(POST, _item(_scheduled_item, lambda w, m: {"summary": "Hébergée en foyer"}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:plan_action": Row(POST, _item(co.matrix_held, _plan),   (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:situation_close": Row(POST, _item(_scheduled_item, lambda w, m: {"reason": "Mesure en place", "confirmation": "oui"}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:action_status": Row(POST, _action,                      (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:portal_situation": Row(GET, _portal,                    (403, 403, 403, 403, 200, 403, 403, 403, 403), 302),
}
# fmt: on
