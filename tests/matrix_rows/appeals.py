# ruff: noqa: E501 (one aligned column per role)
"""Matrix rows of appeals and of the prior adversarial procedure (issue 14)."""

from __future__ import annotations

from parcours.appeals import services as appeals
from parcours.appeals.models import ProcedureKind
from parcours.approvals.models import Agrement
from parcours.pathways import services as psp
from tests.appeals.conftest import refuse_in_register
from tests.factories import PersonFactory
from tests.matrix_rows.base import GET, POST, Row, _date

GROUNDS = "Engagements non tenus depuis quatre mois"


def _refusal(w):
    if not hasattr(w, "_refusal"):
        person = PersonFactory(organisation=w.association, created_by=w.worker.user)
        pathway = psp.start_pathway(actor=w.worker, person=person)
        w._refusal = refuse_in_register(w.actors, pathway, day=w.today)
    return w._refusal


def _appeal(w, annulled=False):
    key = "_annulled" if annulled else "_appeal"
    if not hasattr(w, key):
        appeal = appeals.record_appeal(
            actor=w.actors["secretariat"],
            obj=_refusal(w),
            kind="gracieux",
            author="person",
            lodged_on=w.today,
            grounds="La personne conteste",
        )
        if annulled:
            appeal = appeals.record_outcome(
                actor=w.actors["secretariat"], appeal=appeal, outcome="annulled", day=w.today
            )
        setattr(w, key, appeal)
    return getattr(w, key)


def _procedure(w, stage="notice"):
    """An AFIS stop procedure on the active pathway, taken to `stage`."""
    key = f"_procedure_{stage}"
    if not hasattr(w, key):
        sec = w.actors["secretariat"]
        procedure = appeals.start_procedure(
            actor=sec, kind=ProcedureKind.AFIS_STOP, pathway=w.granted_afis.pathway, grounds=GROUNDS
        )
        steps = ["notice", "observations", "opinion", "ready", "decided"]
        if steps.index(stage) >= 1:
            procedure = appeals.record_notice_handover(
                actor=w.worker, procedure=procedure, day=w.today, acknowledgement="signed_receipt"
            )
        if steps.index(stage) >= 2:
            procedure = appeals.record_observations(
                actor=sec, procedure=procedure, day=w.today, text="Observations"
            )
        if steps.index(stage) >= 3:
            procedure = appeals.record_procedure_opinion(
                actor=sec, procedure=procedure, opinion="favourable", day=w.today
            )
        if steps.index(stage) >= 4:
            procedure = appeals.decide_procedure(actor=sec, procedure=procedure, day=w.today, motive=GROUNDS)
        setattr(w, key, procedure)
    return getattr(w, key)


def _pk(obj):
    return {"pk": obj.public_id}


# fmt: off
#                                                                         S    SG   AW   AM   CM   PA   IM   NA   AD    anon
ROWS: dict[str, Row] = {
    "appeals:list": Row(GET, lambda w: ({}, None),                     (200, 200, 200, 200, 403, 403, 403, 403, 403), 302),
    "appeals:create": Row(GET, lambda w: ({"target": "decision", "pk": _refusal(w).public_id}, None),
                                                                        (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "appeals:detail": Row(GET, lambda w: (_pk(_appeal(w)), None),       (200, 200, 200, 200, 403, 403, 403, 403, 403), 302),
    "appeals:outcome": Row(POST, lambda w: (_pk(_appeal(w)), {"outcome": "rejected", "day": _date(w.today), "note": "", "confirmation": "oui"}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "appeals:reexamine": Row(POST, lambda w: (_pk(_appeal(w, annulled=True)), {"day": _date(w.today), "note": "", "confirmation": "oui"}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "appeals:procedure_start": Row(GET, lambda w: ({"pk": w.active_pathway.public_id, "kind": "fin"}, None),
                                                                        (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "appeals:withdrawal_start": Row(GET, lambda w: (_pk(Agrement.objects.get(organisation=w.association)), None),
                                                                        (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "appeals:procedure": Row(GET, lambda w: (_pk(_procedure(w)), None), (200, 200, 200, 200, 403, 403, 403, 403, 403), 302),
    "appeals:notice_handover": Row(POST, lambda w: (_pk(_procedure(w)), {"day": _date(w.today), "acknowledgement": "signed_receipt"}),
                                                                        (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "appeals:observations": Row(POST, lambda w: (_pk(_procedure(w, "observations")), {"day": _date(w.today), "text": "Observations écrites"}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "appeals:procedure_opinion": Row(POST, lambda w: (_pk(_procedure(w, "opinion")), {"opinion": "favourable", "day": _date(w.today)}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "appeals:procedure_decide": Row(POST, lambda w: (_pk(_procedure(w, "ready")), {"day": _date(w.today), "motive": GROUNDS, "external_reference": "", "confirmation": "oui"}),
                                                                        (302, 302, 403, 403, 403, 403, 403, 403, 403), 302),
    "appeals:decision_handover": Row(POST, lambda w: (_pk(_procedure(w, "decided")), {"day": _date(w.today), "acknowledgement": "signed_receipt"}),
                                                                        (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "appeals:abandon": Row(POST, lambda w: (_pk(_procedure(w)), {"reason": "La personne a repris contact", "confirmation": "oui"}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "appeals:document": Row(GET, lambda w: ({"pk": _procedure(w).public_id, "which": "preavis"}, None),
                                                                        (200, 200, 200, 200, 403, 403, 403, 403, 403), 302),
}
# fmt: on
