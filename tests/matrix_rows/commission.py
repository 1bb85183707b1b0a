# ruff: noqa: E501 (one aligned column per role)
"""Matrix rows of the commission's secretariat pages (the member portal has its own module)."""

from __future__ import annotations

from parcours.commission import services as cs
from tests.approvals.helpers import awaiting_opinion
from tests.commission import matrix_world as cw
from tests.matrix_rows.base import AM, GET, POST, Row, S, _none

_D = "{:%Y-%m-%d}"


def _arrete(w):
    return {"pk": cw.composition(w)["arrete"].public_id}, None


def _meeting(builder, data=None, item=False):
    def build(w):
        meeting, it = builder(w)
        kwargs = {"pk": meeting.public_id}
        if item:
            kwargs["item"] = it.public_id
        return kwargs, (data(w, meeting, it) if callable(data) else data)

    return build


def _agenda_changed(w):
    """A convened meeting whose agenda changed afterwards: the corrected agenda waits to be sent."""
    meeting, item = cw.convened_meeting(w)
    cs.add_free_item(actor=w.actors[S], meeting=meeting, title="Point ajouté")
    return meeting, item


# fmt: off
#                                                                         S    SG   AW   AM   CM   PA   IM   NA   AD    anon
ROWS: dict[str, Row] = {
    "commission:home": Row(GET, _none,                                  (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:arrete_create": Row(GET, _none,                         (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:arrete_detail": Row(GET, _arrete,                       (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:seat_add": Row(POST, lambda w: (_arrete(w)[0], {"category": "labour", "label": "DDETS"}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:appoint": Row(POST, lambda w: (
        {"pk": cw.composition(w)["police"].public_id},
        {"member": cw.composition(w)["spare"].user.public_id, "kind": "substitute"}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:mandate_end": Row(POST, lambda w: (
        {"pk": cw.composition(w)["mandate"].public_id}, {"day": _D.format(w.today)}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:meeting_list": Row(GET, _none,                          (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:meeting_create": Row(GET, _none,                        (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:meeting_detail": Row(GET, _meeting(cw.convened_meeting),
                                                                        (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:item_add_request": Row(POST, _meeting(
        cw.scheduled_meeting, lambda w, m, i: {"request": w.ready_pathway.requests.open().get().public_id}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:item_add_agrement": Row(POST, _meeting(cw.scheduled_meeting, lambda w, m, i: {
        "application": awaiting_opinion(w.actors[AM], w.actors[S]).public_id}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:item_add_free": Row(POST, _meeting(cw.scheduled_meeting, {"title": "Bilan des maraudes"}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:item_remove": Row(POST, _meeting(cw.scheduled_meeting, {"confirmation": "oui"}, item=True),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:item_move": Row(POST, _meeting(cw.scheduled_meeting, {"sens": "haut"}, item=True),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:recusal_add": Row(POST, _meeting(
        cw.convened_meeting, lambda w, m, i: {"mandate": cw.composition(w)["mandate"].public_id, "reason": "Médecin traitant"}, item=True),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:opinion": Row(POST, _meeting(cw.held_meeting, {"opinion": "favourable", "motive": "Projet solide"}, item=True),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:convene": Row(POST, _meeting(cw.scheduled_meeting, {"confirmation": "oui"}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:attendance": Row(POST, _meeting(
        cw.meeting_of_today, lambda w, m, i: {"present": [c.public_id for c in m.convocations.all()]}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:meeting_cancel": Row(POST, _meeting(cw.scheduled_meeting, {"confirmation": "oui"}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:agenda_notice": Row(POST, _meeting(_agenda_changed, {}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:minutes_draft": Row(POST, _meeting(cw.reviewed_item, {}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:meeting_close": Row(POST, _meeting(cw.minutes_drafted, {}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:decision_draft": Row(POST, _meeting(cw.reviewed_item, {"outcome": "authorised"}, item=True),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:decision_list": Row(GET, _none,                         (200, 200, 403, 403, 403, 403, 403, 403, 403), 302),
    # The end of a pathway decided by the prefect: prepared by the secretariat, or an act signed outside.
    "commission:end_decision": Row(GET, lambda w: ({"pk": w.active_pathway.public_id}, None),
                                                                        (200, 200, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:decision_detail": Row(GET, lambda w: ({"pk": cw.drafted_decision(w).public_id}, None),
                                                                        (200, 200, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:decision_sign": Row(POST, lambda w: (
        {"pk": cw.drafted_decision(w).public_id}, {"day": _D.format(w.today), "signer": "Le préfet", "confirmation": "oui"}),
                                                                        (403, 302, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:decision_return": Row(POST, lambda w: (
        {"pk": cw.drafted_decision(w).public_id}, {"comment": "Préciser la période."}),
                                                                        (403, 302, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:decision_revise": Row(POST, lambda w: (
        {"pk": cw.returned_decision(w).public_id}, {"outcome": "authorised", "motive": "", "period_start": "", "divergence_motive": ""}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:decision_issue": Row(POST, lambda w: ({"pk": cw.hand_recorded_decision(w).public_id}, {}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "commission:decision_pdf": Row(GET, lambda w: ({"pk": cw.drafted_decision(w).public_id}, None),
                                                                        (200, 200, 403, 403, 403, 403, 403, 403, 403), 302),
    # The person's letter: the prefecture and the association; the immigration service gets only its own.
    "commission:letter_download": Row(GET, lambda w: (
        {"pk": cw.signed_decision(w).letters.get(addressee="person").public_id}, None),
                                                                        (200, 200, 200, 200, 403, 403, 404, 403, 403), 302),
    # The association records the day it handed the person's letter over (the notification date).
    "commission:letter_handover": Row(GET, lambda w: (
        {"pk": cw.signed_decision(w).letters.get(addressee="person").public_id}, None),
                                                                        (403, 403, 200, 200, 403, 403, 403, 403, 403), 302),
}
# fmt: on
