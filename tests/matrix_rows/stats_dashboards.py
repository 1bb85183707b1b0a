# ruff: noqa: E501 (one aligned column per role)
"""Authorisation-matrix rows of the partner dashboards (parcours/stats)."""

from __future__ import annotations

from tests.matrix_rows.base import GET, Row, _none

# fmt: off
#                                                                         S    SG   AW   AM   CM   PA   IM   NA   AD    anon
ROWS: dict[str, Row] = {
    # A partner its own activity (under secrecy), the secretariat the whole network; the national analyst's
    # statistics are another page (issue 13).
    "stats:dashboard": Row(GET, _none,                                  (200, 403, 200, 200, 403, 200, 403, 403, 403), 302),
    "stats:indicator": Row(GET, lambda w: ({"code": "actions.trainings"}, None),
                                                                        (200, 403, 200, 200, 403, 200, 403, 403, 403), 302),
    # The indicators' definitions: whoever reads figures.
    "stats:catalogue": Row(GET, _none,                                  (200, 403, 200, 200, 403, 200, 403, 200, 403), 302),
}
# fmt: on
