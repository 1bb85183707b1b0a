# ruff: noqa: E501 (one aligned column per role)
"""Matrix row of the person's identity document (available, or unavailable with a motive and a substitute)."""

from __future__ import annotations

from tests.matrix_rows.base import POST, Row

# fmt: off
#                                                                         S    SG   AW   AM   CM   PA   IM   NA   AD    anon
ROWS: dict[str, Row] = {
    "people:identity_document_add": Row(POST, lambda w: (
        {"pk": w.person.public_id}, {"kind": "passport", "available": "non", "unavailable_motive": "held", "substitute": "police_receipt"}),
                                                                        (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
}
# fmt: on
