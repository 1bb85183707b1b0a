# ruff: noqa: E501 (one aligned column per role)
"""Authorisation-matrix rows of the agrément procedure (parcours/approvals)."""

from __future__ import annotations

from datetime import timedelta

from parcours.approvals import rules
from parcours.approvals import services as approvals
from parcours.core.models import OrganisationKind
from tests.approvals import helpers as h
from tests.conftest import pdf_upload
from tests.factories import DepartementFactory, OrganisationFactory, make_actor
from tests.matrix_rows.base import AM, GET, POST, Row, S, _date, _none


def _app(application, data=None):
    return {"pk": application.public_id}, data


def _association(w):
    return {"pk": w.association.public_id}, None


def _withdraw(w):
    """A withdrawal decided outside Parcours after a hearing held outside it, confirmed."""
    agrement = w.association.agrements.first()
    return {"pk": agrement.public_id}, {
        "hearing_notice_on": _date(max(agrement.valid_from, w.today - timedelta(days=20))),
        "notified_on": _date(w.today),
        "day": _date(w.today),
        "motive": "Plus aucun personnel qualifié",
        "confirmation": "oui",
    }


def _submitted(w):
    return _app(h.submitted(w.actors[AM]))


def _draft_info(w):
    return _app(
        h.draft(w.actors[AM]),
        {
            "declared_on": "2015-03-01",
            "staff_count": "4",
            "qualifications": "Éducatrices",
            "premises": "Bureau",
        },
    )


def _document_add(w):
    return _app(h.draft(w.actors[AM]), {"kind": rules.DOC_STATUTES, "file": pdf_upload()})


def _document_remove(w):
    application = h.ready_draft(w.actors[AM])
    return {"pk": application.public_id, "document": application.documents.first().public_id}, {}


def _document_download(w):
    application = h.submitted(w.actors[AM])
    return {"pk": application.public_id, "document": application.documents.first().public_id}, None


def _incomplete(w):
    return _app(
        h.submitted(w.actors[AM]), {"missing": [rules.DOCUMENT_LABELS[rules.DOC_ACCOUNTS]], "comment": ""}
    )


def _opinion(w):
    return _app(
        h.awaiting_opinion(w.actors[AM], w.actors[S]),
        {"opinion": "favourable", "day": _date(w.today), "motive": "Équipe qualifiée"},
    )


def _decide(w):
    return _app(
        h.reviewed(w.actors[AM], w.actors[S]),
        {"decision": "granted", "day": _date(w.today), "reference": "ARR-99-2026-100", "motive": ""},
    )


def _listed_here(w):
    """A file sent at another seat (69) naming the matrix's département (99): its row here."""
    seat = DepartementFactory(code="69", name="Rhône fictif")
    association = OrganisationFactory(departement=seat, kind=OrganisationKind.ASSOCIATION)
    manager = make_actor(AM, association)
    application = h.fill(manager, h.draft(manager), departements=[w.departement])
    approvals.submit_application(actor=manager, application=application)
    return application, application.listed_departements.get()


def _other_opinion(w):
    application, listed = _listed_here(w)
    return {"pk": application.public_id, "listed": listed.public_id}, {
        "opinion": "favourable",
        "day": _date(w.today),
        "motive": "Antenne active dans le département",
        "confirmation": "oui",
    }


def _establishment(w):
    application, listed = _listed_here(w)
    return {"pk": application.public_id, "listed": listed.public_id}, {"establishment": w.association.pk}


def _tacit(w):
    application = h.awaiting_opinion(w.actors[AM], w.actors[S])
    return _app(h.back_date(application, 200), {})


# fmt: off
#                                                                       S    SG   AW   AM   CM   PA   IM   NA   AD    anon
ROWS: dict[str, Row] = {
    "approvals:list": Row(GET, _none,                                 (200, 200, 403, 403, 403, 403, 403, 403, 403), 302),
    "approvals:association": Row(GET, _association,                   (200, 200, 403, 403, 403, 403, 403, 403, 403), 302),
    "approvals:withdraw": Row(POST, _withdraw,                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "approvals:own": Row(GET, _none,                                  (403, 403, 200, 200, 403, 403, 403, 403, 403), 302),
    "approvals:start": Row(POST, _none,                               (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "approvals:application": Row(GET, _submitted,                     (200, 200, 200, 200, 403, 403, 403, 403, 403), 302),
    "approvals:info": Row(POST, _draft_info,                          (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "approvals:document_add": Row(POST, _document_add,                (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "approvals:document_remove": Row(POST, _document_remove,          (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "approvals:document_download": Row(GET, _document_download,      (200, 200, 200, 200, 403, 403, 403, 403, 403), 302),
    "approvals:submit": Row(POST, lambda w: _app(h.ready_draft(w.actors[AM]), {}),
                                                                      (403, 403, 403, 302, 403, 403, 403, 403, 403), 302),
    "approvals:incomplete": Row(POST, _incomplete,                    (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "approvals:complete": Row(POST, _submitted,                       (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "approvals:opinion": Row(POST, _opinion,                          (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "approvals:decide": Row(POST, _decide,                            (302, 302, 403, 403, 403, 403, 403, 403, 403), 302),
    "approvals:tacit": Row(POST, _tacit,                              (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "approvals:ask_commission": Row(POST, lambda w: _app(h.complete(w.actors[AM], w.actors[S]), {}),
                                                                      (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    # A département named in a file of another seat: its secretariat's opinion and the establishment.
    "approvals:other_opinion": Row(POST, _other_opinion,              (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "approvals:establishment": Row(POST, _establishment,              (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
}
# fmt: on
