# ruff: noqa: E501 (one aligned column per role)
"""Matrix rows of the national aggregation (docs/national.md): the national analyst's pages and the API.

The API answers 401 without credentials (no login redirect: it is read by programs) and reads a national
analyst's token or session; a signed-in user of any other role gets 403. The export (read by the national
instance with a département's export token) refuses every session: 403.
"""

from django.utils import timezone

from tests.matrix_rows.base import GET, Row, _none
from tests.national.helpers import PEOPLE, store


def _release(w):
    release = store(code="69", name="Rhône")
    return {"code": release.departement_code, "year": release.year}, None


def _last_year(w):
    return {"year": str(timezone.localdate().year - 1)}, None


def _ranking(w):
    release = store(code="69", name="Rhône")
    return {"year": str(release.year), "indicator": PEOPLE}, None


def _api_release(w):
    kwargs, _ = _release(w)
    return {"code": kwargs["code"], "year": str(kwargs["year"])}, None


# fmt: off
#                                                                         S    SG   AW   AM   CM   PA   IM   NA   AD    anon
ROWS = {
    "national:ranking": Row(GET, _none,                                 (403, 403, 403, 403, 403, 403, 403, 200, 403), 302),
    "national:regions": Row(GET, _none,                                 (403, 403, 403, 403, 403, 403, 403, 200, 403), 302),
    "national:departement": Row(GET, _release,                          (403, 403, 403, 403, 403, 403, 403, 200, 403), 302),
    "api:indicators": Row(GET, _none,                                   (403, 403, 403, 403, 403, 403, 403, 200, 403), 401),
    "api:release": Row(GET, _api_release,                               (403, 403, 403, 403, 403, 403, 403, 200, 403), 401),
    "api:ranking": Row(GET, _ranking,                                   (403, 403, 403, 403, 403, 403, 403, 200, 403), 401),
    "api:schema": Row(GET, _none,                                       (403, 403, 403, 403, 403, 403, 403, 200, 403), 401),
    "api:docs": Row(GET, _none,                                         (403, 403, 403, 403, 403, 403, 403, 200, 403), 302),
    # A département's export: its export token only (tests/national/test_api.py), never a session.
    "api:export": Row(GET, _last_year,                                  (403, 403, 403, 403, 403, 403, 403, 403, 403), 401),
}
# fmt: on
