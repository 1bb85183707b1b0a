# ruff: noqa: E501 (one aligned column per role)
"""Matrix rows of the DSFR frame (issue 11): the footer's pages answer everyone, anonymous visitors included;
the national statistics page is the national analyst's landing page, and only its."""

from tests.matrix_rows.base import GET, Row, _none

# fmt: off
#                                                                          S    SG   AW   AM   CM   PA   IM   NA   AD    anon
ROWS = {
    "core:accessibility": Row(GET, _none,                               (200, 200, 200, 200, 200, 200, 200, 200, 200), 200),
    "core:legal": Row(GET, _none,                                       (200, 200, 200, 200, 200, 200, 200, 200, 200), 200),
    "core:privacy": Row(GET, _none,                                     (200, 200, 200, 200, 200, 200, 200, 200, 200), 200),
    "core:cookies": Row(GET, _none,                                     (200, 200, 200, 200, 200, 200, 200, 200, 200), 200),
    "core:national_stats": Row(GET, _none,                              (403, 403, 403, 403, 403, 403, 403, 302, 403), 302),
}
# fmt: on
