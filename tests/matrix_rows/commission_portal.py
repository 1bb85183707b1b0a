# ruff: noqa: E501 (one aligned column per role)
"""The commission member portal's rows of the authorisation matrix.

Only a convened commission member reaches these pages; the builders make `w.actors[CM]` that member
(tests/commission/world.py). A member not convened to the meeting gets 404: tests/commission/test_portal.py.
"""

from __future__ import annotations

from tests.commission.world import portal_world
from tests.matrix_rows.base import GET, POST, Row, _none


def _meeting(w):
    return {"meeting": portal_world(w).meeting.public_id}, None


def _answer(w):
    return {"meeting": portal_world(w).meeting.public_id}, {"answer": "present"}


def _item(w):
    pw = portal_world(w)
    return {"meeting": pw.meeting.public_id, "item": pw.item.public_id}, None


# fmt: off
#                                                              S    SG   AW   AM   CM   PA   IM   NA   AD    anon
ROWS: dict[str, Row] = {
    "commission:portal": Row(GET, _none,                     (403, 403, 403, 403, 200, 403, 403, 403, 403), 302),
    "commission:portal_meeting": Row(GET, _meeting,          (403, 403, 403, 403, 200, 403, 403, 403, 403), 302),
    "commission:portal_answer": Row(POST, _answer,           (403, 403, 403, 403, 302, 403, 403, 403, 403), 302),
    "commission:portal_item": Row(GET, _item,                (403, 403, 403, 403, 200, 403, 403, 403, 403), 302),
}
# fmt: on
