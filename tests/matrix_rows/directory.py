# ruff: noqa: E501 (one aligned column per role)
"""Authorisation-matrix rows of the network's directory (parcours/directory)."""

from __future__ import annotations

from tests.factories import DirectoryEntryFactory
from tests.matrix_rows.base import GET, POST, Row, _none


def _entry(w, data=None):
    entry = DirectoryEntryFactory(departement=w.departement, name="CRIP fictive de la matrice")
    return {"pk": entry.public_id}, data


# fmt: off
#                                                                         S    SG   AW   AM   CM   PA   IM   NA   AD    anon
ROWS: dict[str, Row] = {
    # Read by every role that works with people or detections; kept by the secretariat.
    "directory:list": Row(GET, _none,                                   (200, 200, 200, 200, 200, 200, 403, 403, 403), 302),
    "directory:export": Row(GET, _none,                                 (200, 200, 200, 200, 200, 200, 403, 403, 403), 302),
    "directory:create": Row(GET, _none,                                 (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "directory:edit": Row(GET, _entry,                                  (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "directory:retire": Row(POST, lambda w: _entry(w, {"confirmation": "oui"}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
}
# fmt: on
