# ruff: noqa: E501 (one aligned column per role)
"""Matrix rows of issue 14's languages and interpreting (people), housing and attestations of engagement."""

from django.utils import timezone

from parcours.attestations import services as attestations
from parcours.housing import services as housing
from tests.matrix_rows.base import GET, POST, Row, _none, _person


def _today():
    return timezone.localdate().isoformat()


def _interpreting(w):
    return {"pk": w.person.public_id}, {
        "day": _today(),
        "occasion": "interview",
        "language": "roumain",
        "interpreter": "Interprète Fictive",
        "mode": "phone",
        "duration_minutes": "30",
        "cost": "20",
    }


def _siao(w):
    siao = housing.record_siao_request(
        actor=w.worker, person=w.person, requested_on=timezone.localdate(), orientation="chrs"
    )
    return {"pk": siao.public_id}, {"status": "placed", "placement": "chrs", "day": _today()}


def _housing_request(w):
    request = housing.record_housing_request(actor=w.worker, person=w.person, filed_on=timezone.localdate())
    return {"pk": request.public_id}, {"priority": "asked", "prefect_quota": "on"}


def _requested(w):
    return attestations.request_attestation(actor=w.worker, pathway=w.active_pathway, purpose="tax")


def _issued(w):
    return attestations.issue_attestation(actor=w.actors["secretariat"], attestation=_requested(w))


# fmt: off
ROWS = {
    # Languages and interpreting: the association records; translated documents hold no one's data.
    "people:interpreting_add": Row(POST, _interpreting,                 (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "people:translations": Row(GET, _none,                              (200, 403, 200, 200, 403, 403, 403, 403, 403), 302),
    "people:translation": Row(GET, lambda w: ({"code": "consentement-zh"}, None),
                                                                        (200, 403, 200, 200, 403, 403, 403, 403, 403), 302),
    # Housing: the secretariat reads, the accompanying association records.
    "housing:person": Row(GET, _person,                                 (200, 403, 200, 200, 403, 403, 403, 403, 403), 302),
    "housing:siao_add": Row(POST, lambda w: ({"pk": w.person.public_id}, {"requested_on": _today(), "orientation": "alt"}),
                                                                        (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "housing:siao_outcome": Row(POST, _siao,                            (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "housing:request_add": Row(POST, lambda w: ({"pk": w.person.public_id}, {"filed_on": _today(), "priority": "none"}),
                                                                        (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "housing:request_update": Row(POST, _housing_request,              (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    # Attestations of engagement: the association asks, the secretariat issues (confirmation page first).
    "attestations:pathway": Row(GET, lambda w: ({"pk": w.active_pathway.public_id}, None),
                                                                        (200, 403, 200, 200, 403, 403, 403, 403, 403), 302),
    "attestations:request": Row(POST, lambda w: ({"pk": w.active_pathway.public_id}, {"purpose": "bank"}),
                                                                        (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "attestations:issue": Row(POST, lambda w: ({"pk": _requested(w).public_id}, {}),
                                                                        (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "attestations:refuse": Row(POST, lambda w: ({"pk": _requested(w).public_id}, {"motive": "Motif fictif"}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "attestations:download": Row(GET, lambda w: ({"pk": _issued(w).public_id}, None),
                                                                        (200, 403, 200, 200, 403, 403, 403, 403, 403), 302),
}
# fmt: on
