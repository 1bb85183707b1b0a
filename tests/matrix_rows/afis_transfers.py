# ruff: noqa: E501 (one aligned column per role)
"""Matrix rows of the AFIS month by month, its notices, and the transfers of a pathway (issue 14)."""

from __future__ import annotations

from parcours.core import dates
from parcours.core.models import OrganisationKind, RuleSetting
from parcours.core.roles import Role
from parcours.pathways import rules
from parcours.pathways import services as psp
from tests.conftest import drive_to_decision
from tests.factories import (
    AgrementFactory,
    DepartementFactory,
    OrganisationFactory,
    PersonFactory,
    make_actor,
)
from tests.matrix_rows.base import GET, POST, Row

_D = "{:%Y-%m-%d}"
_M = "{:%Y-%m}"


def _afis(w):
    return {"pk": w.granted_afis.pathway.public_id}


def _suspended(w):
    if not hasattr(w, "_suspended"):
        psp.suspend_afis(
            actor=w.actors[Role.SECRETARIAT],
            afis=w.granted_afis,
            month=w.today.replace(day=1),
            motive="Absence",
        )
        w._suspended = True
    return {"pk": w.granted_afis.pathway.public_id}


def _revalued(w):
    if not hasattr(w, "_revalued"):
        RuleSetting.objects.create(
            key=rules.AFIS_SCALE_SETTING,
            effective_from=dates.add_months(w.today.replace(day=1), 1),
            value={"base": "636.00", "per_child": "190.80"},
            source="Revalorisation fictive (test)",
        )
        w._revalued = True
    return {"pk": w.granted_afis.pathway.public_id}


def _notice(w):
    return {"pk": w.granted_afis.pathway.public_id, "notice": w.granted_afis.notices.first().public_id}


def _elsewhere(w):
    """Département 96 (not the outsiders' 98): an approved association, its secretariat and worker."""
    if not hasattr(w, "_elsewhere"):
        dep = DepartementFactory(code="96", name="Département fictif 96")
        asso = OrganisationFactory(departement=dep, kind=OrganisationKind.ASSOCIATION, name="Asso fictive 96")
        AgrementFactory(organisation=asso)
        prefecture = OrganisationFactory(departement=dep, kind=OrganisationKind.PREFECTURE)
        w._elsewhere = {
            "asso": asso,
            Role.SECRETARIAT: make_actor(Role.SECRETARIAT, prefecture),
            Role.SIGNATORY: make_actor(Role.SIGNATORY, prefecture),
            Role.ASSOCIATION_WORKER: make_actor(Role.ASSOCIATION_WORKER, asso),
        }
    return w._elsewhere


def _accepted_out(w):
    """The active pathway of L'Escale moves to département 96, which accepted: the origin closes it."""
    if not hasattr(w, "_accepted_out"):
        there = _elsewhere(w)
        transfer = psp.request_departement_transfer(
            actor=w.worker,
            pathway=w.active_pathway,
            to_association=there["asso"],
            day=w.today,
            consent_given_on=w.today,
        )
        psp.accept_departement_transfer(actor=there[Role.SECRETARIAT], transfer=transfer)
        w._accepted_out = transfer
    return {"pk": w.active_pathway.public_id, "transfer": w._accepted_out.public_id}


def _incoming(w):
    """A person of département 96 moves to département 99, to L'Escale: the transfer waits for 99."""
    if not hasattr(w, "_incoming"):
        there = _elsewhere(w)
        worker = there[Role.ASSOCIATION_WORKER]
        person = PersonFactory(organisation=there["asso"], created_by=worker.user)
        pathway = psp.start_pathway(actor=worker, person=person)
        drive_to_decision(
            {
                "association_worker": worker,
                "secretariat": there[Role.SECRETARIAT],
                "signatory": there[Role.SIGNATORY],
            },
            pathway,
        )
        w._incoming = psp.request_departement_transfer(
            actor=worker, pathway=pathway, to_association=w.association, day=w.today, consent_given_on=w.today
        )
    return {"pk": w._incoming.public_id}


def _handed_over(w):
    """The other association of département 99 closes: its pathway is handed over to L'Escale."""
    if not hasattr(w, "_handed_over"):
        worker = make_actor(Role.ASSOCIATION_WORKER, w.other_association)
        person = PersonFactory(organisation=w.other_association, created_by=worker.user)
        pathway = psp.start_pathway(actor=worker, person=person)
        drive_to_decision({**w.actors, "association_worker": worker}, pathway)
        [w._handed_over] = psp.hand_over_pathways(
            actor=w.actors[Role.SECRETARIAT],
            from_association=w.other_association,
            to_association=w.association,
            day=w.today,
            motive="Fermeture de l'association",
        )
    return {"pk": w._handed_over.public_id}


# fmt: off
#                                                                         S    SG   AW   AM   CM   PA   IM   NA   AD    anon
ROWS: dict[str, Row] = {
    "pathways:afis": Row(GET, lambda w: (_afis(w), None),              (200, 403, 200, 200, 403, 403, 403, 403, 403), 302),
    "pathways:afis_children": Row(POST, lambda w: (_afis(w), {"month": _M.format(w.today), "dependent_children": "3"}),
                                                                        (302, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "pathways:afis_suspend": Row(POST, lambda w: (_afis(w), {"month": _M.format(w.today), "motive": "Absence", "confirmation": "oui"}),
                                                                        (302, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "pathways:afis_resume": Row(POST, lambda w: (_suspended(w), {"month": _M.format(dates.add_months(w.today.replace(day=1), 1))}),
                                                                        (302, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "pathways:afis_revaluation": Row(POST, lambda w: (_revalued(w), {}),
                                                                        (302, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "pathways:notice_step": Row(POST, lambda w: (_notice(w), {"step": "sent", "day": _D.format(w.today)}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "pathways:notice_download": Row(GET, lambda w: (_notice(w), None),
                                                                        (200, 200, 200, 200, 403, 403, 403, 403, 403), 302),
    "pathways:transfer_request": Row(POST, lambda w: (
        {"pk": w.active_pathway.public_id},
        {"to_association": _elsewhere(w)["asso"].pk, "day": _D.format(w.today), "consent_given_on": _D.format(w.today), "motive": "", "confirmation": "oui"}),
                                                                        (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "pathways:transfer_close": Row(POST, lambda w: (_accepted_out(w), {"confirmation": "oui"}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    # An incoming transfer between départements: the receiving secretariat; not an association (404).
    "pathways:transfer": Row(GET, lambda w: (_incoming(w), None),      (200, 403, 404, 404, 403, 403, 403, 403, 403), 302),
    "pathways:transfer_accept": Row(POST, lambda w: (_incoming(w), {"confirmation": "oui"}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "pathways:transfer_refuse": Row(POST, lambda w: (_incoming(w), {"motive": "Hors ressort"}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "pathways:transfer_consent": Row(POST, lambda w: (_handed_over(w), {"consent_given_on": _D.format(w.today)}),
                                                                        (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "pathways:handover": Row(GET, lambda w: ({}, None),                 (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
}
# fmt: on
