# ruff: noqa: E501 (one aligned column per role)
"""Authorisation-matrix rows of the partners' actions (parcours/actions): partners record their own
organisation's actions (the objects here belong to L'Escale, so the partner advisor of another organisation
gets 404), the secretariat sees and edits all of its département's and keeps the list of establishments."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import (
    ClientCourseSessionFactory,
    EstablishmentFactory,
    OutreachRoundFactory,
    PreventionActionFactory,
    TrainingFactory,
)
from tests.matrix_rows.base import GET, POST, Row, _none

FACTORIES = {
    "outreach": OutreachRoundFactory,
    "prevention": PreventionActionFactory,
    "training": TrainingFactory,
    "course": ClientCourseSessionFactory,
}


def _item(slug, data=None):
    def build(w):
        item = FACTORIES[slug](organisation=w.association, created_by=w.worker.user)
        return {"pk": item.public_id}, data

    return build


def _establishment(data=None):
    def build(w):
        return {"pk": EstablishmentFactory(departement=w.departement).public_id}, data

    return build


def _import(w):
    content = "type;nom;commune;uai\ncollège;Collège des Tilleuls;Démoville;0990001A\n".encode()
    return {}, {"file": SimpleUploadedFile("etablissements.csv", content, content_type="text/csv")}


CONFIRMED = {"confirmation": "oui"}

# fmt: off
#                       S    SG   AW   AM   CM   PA   IM   NA   AD
PARTNERS = (200, 403, 200, 200, 403, 200, 403, 403, 403)
OWN_ITEM = (200, 403, 200, 200, 403, 404, 403, 403, 403)    # L'Escale's: another partner gets 404
OWN_DELETE = (302, 403, 302, 302, 403, 404, 403, 403, 403)
COURSE = (200, 403, 200, 200, 403, 403, 403, 403, 403)
COURSE_DELETE = (302, 403, 302, 302, 403, 403, 403, 403, 403)
SECRETARIAT = (200, 403, 403, 403, 403, 403, 403, 403, 403)
SECRETARIAT_POST = (302, 403, 403, 403, 403, 403, 403, 403, 403)

ROWS = {
    "actions:home": Row(GET, _none, PARTNERS, 302),
    "actions:establishment_list": Row(GET, _none, SECRETARIAT, 302),
    "actions:establishment_import": Row(POST, _import, SECRETARIAT_POST, 302),
    "actions:establishment_create": Row(GET, _none, SECRETARIAT, 302),
    "actions:establishment_edit": Row(GET, _establishment(), SECRETARIAT, 302),
    "actions:establishment_delete": Row(POST, _establishment(CONFIRMED), SECRETARIAT_POST, 302),
    "actions:coverage": Row(GET, _none, SECRETARIAT, 302),
}
for slug in ("outreach", "prevention", "training"):
    ROWS.update({
        f"actions:{slug}_list": Row(GET, _none, PARTNERS, 302),
        f"actions:{slug}_create": Row(GET, _none, PARTNERS, 302),
        f"actions:{slug}_detail": Row(GET, _item(slug), OWN_ITEM, 302),
        f"actions:{slug}_edit": Row(GET, _item(slug), OWN_ITEM, 302),
        f"actions:{slug}_delete": Row(POST, _item(slug, CONFIRMED), OWN_DELETE, 302),
    })
ROWS.update({
    "actions:course_list": Row(GET, _none, COURSE, 302),
    "actions:course_create": Row(GET, _none, COURSE, 302),
    "actions:course_detail": Row(GET, _item("course"), COURSE, 302),
    "actions:course_edit": Row(GET, _item("course"), COURSE, 302),
    "actions:course_delete": Row(POST, _item("course", CONFIRMED), COURSE_DELETE, 302),
})
# fmt: on
