# ruff: noqa: E501 (one aligned column per role)
"""Matrix rows of the data subjects' rights (issue 15, 5b): the association following the person and the
secretariat; nobody else (a partner, a commission member, the immigration service: 403 by role)."""

from django.utils import timezone

from parcours.datarights import services as rights
from tests.matrix_rows.base import GET, POST, Row, _person


def _today():
    return timezone.localdate().isoformat()


def _request(w, kind="rectification"):
    return rights.record_request(actor=w.worker, person=w.person, kind=kind, received_on=timezone.localdate())


def _register(w):
    _request(w)
    return {}, None


def _answer(w):
    return {"pk": _request(w).public_id}, {"answer": "granted", "answered_on": _today(), "note": ""}


def _extend(w):
    return {"pk": _request(w).public_id}, {"confirmation": "oui"}


# fmt: off
#                                                                       S    SG   AW   AM   CM   PA   IM   NA   AD    anon
ROWS = {
    "datarights:register": Row(GET, _register,                         (200, 403, 200, 200, 403, 403, 403, 403, 403), 302),
    "datarights:person": Row(GET, _person,                             (200, 403, 200, 200, 403, 403, 403, 403, 403), 302),
    "datarights:request_add": Row(POST, lambda w: ({"pk": w.person.public_id}, {"kind": "access", "received_on": _today()}),
                                                                       (302, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "datarights:request_answer": Row(POST, _answer,                    (302, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "datarights:request_extend": Row(POST, _extend,                    (302, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "datarights:notice": Row(GET, _person,                             (200, 403, 200, 200, 403, 403, 403, 403, 403), 302),
    "datarights:notice_given": Row(POST, lambda w: ({"pk": w.person.public_id}, {"given_on": _today(), "language": "en"}),
                                                                       (302, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    # The archive is built and its password shown on the answer page (200), once confirmed.
    "datarights:export": Row(POST, lambda w: ({"pk": w.person.public_id}, {"confirmation": "oui", "rights_request": ""}),
                                                                       (200, 403, 200, 200, 403, 403, 403, 403, 403), 302),
    # A token that is not the actor's own (none here): the French « ne sert plus » page, no byte of anything.
    "datarights:export_download": Row(POST, lambda w: ({}, {"jeton": "inconnu"}),
                                                                       (410, 403, 410, 410, 403, 403, 403, 403, 403), 302),
}
# fmt: on
