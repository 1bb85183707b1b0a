# ruff: noqa: E501 (one aligned column per role)
"""Matrix rows of the probable duplicates and of the merge of two person records: the secretariat only."""

from tests.matrix_rows.base import GET, Row, _none


def _pair(w):
    """Two records of the same person (same birth name and birth date), in two associations."""
    kept = w.person
    other = w._person(last_name=kept.last_name, birth_date=kept.birth_date)
    return {"kept": kept.public_id, "other": other.public_id}, None


# fmt: off
ROWS = {
    "people:duplicates": Row(GET, _none, (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "people:merge": Row(GET, _pair,      (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
}
# fmt: on
